#include "actors/runtime/metrics.hpp"

#include <catch2/catch.hpp>

using namespace lakoo::runtime;

TEST_CASE("metrics render in Prometheus text format", "[runtime]") {
  metrics m;
  m.describe("t_requests_total", "counter", "Requests");
  m.counter_of("t_requests_total", "route=\"/x\"").add(3);
  m.gauge_of("t_alive").set(-2);
  auto& h = m.histogram_of("t_seconds", "", {0.1, 1});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  auto text = m.render();
  CHECK(text.find("# TYPE t_requests_total counter\n") != std::string::npos);
  CHECK(text.find("t_requests_total{route=\"/x\"} 3\n") != std::string::npos);
  CHECK(text.find("t_alive -2\n") != std::string::npos);
  CHECK(text.find("t_seconds_bucket{le=\"0.1\"} 1\n") != std::string::npos);
  CHECK(text.find("t_seconds_bucket{le=\"1\"} 2\n") != std::string::npos);
  CHECK(text.find("t_seconds_bucket{le=\"+Inf\"} 3\n") != std::string::npos);
  CHECK(text.find("t_seconds_count 3\n") != std::string::npos);
  CHECK(text.find("t_seconds_sum 5.55\n") != std::string::npos);
}
