#pragma once

/// WebSocket sessions of the edge server (internal to http_edge: pulls in Beast).

#include <functional>

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http_edge/server.hpp"

namespace lakoo::edge::detail {

/// The application's decision on an upgrade request `req` (parsed as `msg`), made safe: a
/// throwing handler becomes 500, and an accepted request that is not a valid RFC 6455 upgrade
/// becomes 400 (`opened` is then empty, `reject` the answer).
upgrade_decision
decide_upgrade(const upgrade_handler& decide, request& req,
               const boost::beast::http::request<boost::beast::http::string_body>& msg,
               uint64_t conn_id);

/// Takes over `stream` after an accepted upgrade request `req`: does the handshake, then calls
/// `d.opened`, keeps reading (pongs and client frames; client text is ignored), pings an idle
/// client and closes one that stays silent, writes queued frames in order, and finally calls
/// `d.closed` and `gone`. Returns a function that closes the session from any thread.
std::function<void()> run_ws(boost::beast::tcp_stream stream,
                             boost::beast::http::request<boost::beast::http::string_body> req,
                             upgrade_decision d, const edge_settings& settings, uint64_t id,
                             std::function<void()> gone);

} // namespace lakoo::edge::detail
