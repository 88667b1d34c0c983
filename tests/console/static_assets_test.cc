#include "engine/console/static_assets.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <boost/beast/http/field.hpp>

namespace routerd::console {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Field = boost::beast::http::field;
using Verb = boost::beast::http::verb;

constexpr unsigned char kIndex[] = {'<', 'p', '>', 'h', 'i'};
constexpr unsigned char kScript[] = {'x', '(', ')', ';'};
const EmbeddedAsset kFake[] = {
    {"js/app.js", "text/javascript; charset=utf-8", "\"js-etag\"", kScript, sizeof kScript},
    {"index.html", "text/html; charset=utf-8", "\"index-etag\"", kIndex, sizeof kIndex},
    {"messages.html", "text/html; charset=utf-8", "\"messages-etag\"", kIndex, sizeof kIndex},
};

http::HttpRequest Get(std::string_view target) { return http::HttpRequest{Verb::get, target, 11}; }

// Every value between `open` and the next `close` in `text`.
std::vector<std::string> Between(std::string_view text, std::string_view open, char close) {
  std::vector<std::string> out;
  for (std::size_t at = text.find(open); at != std::string_view::npos; at = text.find(open, at)) {
    at += open.size();
    const std::size_t end = text.find(close, at);
    if (end == std::string_view::npos) break;
    out.emplace_back(text.substr(at, end - at));
  }
  return out;
}

// An inline event handler attribute (` onclick=` and the like).
bool HasInlineHandler(std::string_view html) {
  for (std::size_t at = html.find(" on"); at != std::string_view::npos; at = html.find(" on", at + 1)) {
    std::size_t i = at + 3;
    while (i < html.size() && html[i] >= 'a' && html[i] <= 'z') ++i;
    if (i > at + 3 && i < html.size() && html[i] == '=') return true;
  }
  return false;
}

TEST(StaticAssetsTest, FindsFilesByPathIndexAndHtmlWithoutItsExtension) {
  StaticAssets assets(kFake);
  ASSERT_NE(assets.Find(""), nullptr);
  EXPECT_STREQ(assets.Find("")->path, "index.html");
  EXPECT_STREQ(assets.Find("messages")->path, "messages.html");
  EXPECT_STREQ(assets.Find("messages.html")->path, "messages.html");
  EXPECT_STREQ(assets.Find("js/app.js")->path, "js/app.js");
  EXPECT_EQ(assets.Find("js/app"), nullptr);  // only .html is implied
  EXPECT_EQ(assets.Find("nope"), nullptr);
  EXPECT_EQ(assets.Find("../index.html"), nullptr);
  EXPECT_EQ(assets.Find("js/"), nullptr);
}

TEST(StaticAssetsTest, ServesTheFileWithItsTypeEtagAndSecurityHeaders) {
  StaticAssets assets(kFake);
  http::HttpResponse r = assets.Serve(Get("/console/js/app.js"), "js/app.js");
  EXPECT_EQ(r.result(), http::HttpStatus::ok);
  EXPECT_EQ(r.body(), "x();");
  EXPECT_EQ(r[Field::content_type], "text/javascript; charset=utf-8");
  EXPECT_EQ(r[Field::etag], "\"js-etag\"");
  EXPECT_EQ(r[Field::cache_control], "no-cache");
  EXPECT_EQ(r["Content-Security-Policy"], kContentSecurityPolicy);
  EXPECT_EQ(r["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(r["X-Frame-Options"], "DENY");
}

TEST(StaticAssetsTest, TheContentSecurityPolicyAllowsNoInlineCodeAndNoOtherOrigin) {
  const std::string csp(kContentSecurityPolicy);
  EXPECT_THAT(csp, HasSubstr("default-src 'none'"));
  EXPECT_THAT(csp, HasSubstr("script-src 'self';"));
  EXPECT_THAT(csp, HasSubstr("style-src 'self';"));
  EXPECT_THAT(csp, HasSubstr("frame-ancestors 'none'"));
  EXPECT_THAT(csp, Not(HasSubstr("unsafe-inline")));
  EXPECT_THAT(csp, Not(HasSubstr("unsafe-eval")));
  EXPECT_THAT(csp, Not(HasSubstr("http")));
}

TEST(StaticAssetsTest, AKnownEtagGets304WithoutABody) {
  StaticAssets assets(kFake);
  for (std::string_view header : {"\"index-etag\"", "W/\"index-etag\"", "\"old\", \"index-etag\"", "*"}) {
    http::HttpRequest req = Get("/console/");
    req.set(Field::if_none_match, header);
    http::HttpResponse r = assets.Serve(req, "");
    EXPECT_EQ(r.result(), http::HttpStatus::not_modified) << header;
    EXPECT_EQ(r.body(), "") << header;
    EXPECT_EQ(r[Field::etag], "\"index-etag\"") << header;
  }
  http::HttpRequest stale = Get("/console/");
  stale.set(Field::if_none_match, "\"old\"");
  http::HttpResponse r = assets.Serve(stale, "");
  EXPECT_EQ(r.result(), http::HttpStatus::ok);
  EXPECT_EQ(r.body(), "<p>hi");
}

TEST(StaticAssetsTest, UnknownFilesAre404AndOtherMethods405) {
  StaticAssets assets(kFake);
  http::HttpResponse r = assets.Serve(Get("/console/x"), "x");
  EXPECT_EQ(r.result(), http::HttpStatus::not_found);
  EXPECT_EQ(r["Content-Security-Policy"], kContentSecurityPolicy);
  http::HttpRequest post{Verb::post, "/console/", 11};
  r = assets.Serve(post, "");
  EXPECT_EQ(r.result(), http::HttpStatus::method_not_allowed);
  EXPECT_EQ(r[Field::allow], "GET");
}

// The real, embedded console: what the pages reference exists, and nothing
// would be blocked by the policy (inline scripts, styles or handlers).
TEST(EmbeddedConsoleTest, PagesReferenceOnlyEmbeddedFilesAndHaveNoInlineCode) {
  StaticAssets assets(EmbeddedAssets());
  ASSERT_NE(assets.Find(""), nullptr);
  ASSERT_NE(assets.Find("messages"), nullptr);
  ASSERT_NE(assets.Find("wallboard"), nullptr);
  int pages = 0;
  for (const EmbeddedAsset& a : EmbeddedAssets()) {
    const std::string body(a.body());
    const std::string path(a.path);
    EXPECT_GT(a.size, 0u) << path;
    if (path.ends_with(".html")) {
      ++pages;
      EXPECT_EQ(std::string(a.content_type), "text/html; charset=utf-8");
      std::vector<std::string> targets = Between(body, " src=\"", '"');
      for (std::string& href : Between(body, " href=\"", '"')) targets.push_back(std::move(href));
      EXPECT_GE(targets.size(), 3u) << path;  // icon, stylesheet, script at least
      for (const std::string& target : targets) {
        if (target.starts_with("#")) continue;
        ASSERT_TRUE(target.starts_with("/console/")) << path << ": " << target;
        EXPECT_NE(assets.Find(target.substr(9)), nullptr) << path << ": " << target;
      }
      EXPECT_THAT(body, Not(HasSubstr("<script>"))) << path;
      EXPECT_THAT(body, Not(HasSubstr("<style"))) << path;
      EXPECT_THAT(body, Not(HasSubstr(" style="))) << path;
      EXPECT_FALSE(HasInlineHandler(body)) << path;
      EXPECT_THAT(body, Not(HasSubstr("http://"))) << path;
      EXPECT_THAT(body, Not(HasSubstr("https://"))) << path;
    }
    if (path.ends_with(".js")) {
      EXPECT_EQ(std::string(a.content_type), "text/javascript; charset=utf-8");
      // Module imports resolve to embedded files.
      for (const std::string& module : Between(body, "from './", '\'')) {
        EXPECT_NE(assets.Find("js/" + module), nullptr) << path << " imports " << module;
      }
    }
    if (path.ends_with(".css")) {
      EXPECT_EQ(std::string(a.content_type), "text/css; charset=utf-8");
    }
  }
  EXPECT_EQ(pages, 5);  // sign-in, messages, wallboard, configuration, personal settings
}

TEST(EmbeddedConsoleTest, EveryAssetHasAStrongQuotedEtag) {
  for (const EmbeddedAsset& a : EmbeddedAssets()) {
    const std::string_view etag(a.etag);
    ASSERT_EQ(etag.size(), 22u) << a.path << " " << etag;
    EXPECT_TRUE(etag.front() == '"' && etag.back() == '"') << a.path << " " << etag;
    EXPECT_EQ(etag.substr(1, 20).find_first_not_of("0123456789abcdef"), std::string_view::npos) << a.path;
  }
}

}  // namespace
}  // namespace routerd::console
