#pragma once

namespace lakoo::edge {

/// The operator console's single page (HTML, CSS and script in one document).
const char* console_page_html();

} // namespace lakoo::edge
