#include "notify/templates.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace gh::notify {
namespace {

TEST(Templates, FillsAndEscapesHtmlOnly) {
  TemplateVars vars{{"link", "https://x.test/?a=1&b=<2>"}, {"displayName", "Bob \"B\""}};
  EXPECT_EQ(FillTemplate("<a href=\"{{link}}\">{{ displayName }}</a>", vars, true),
            "<a href=\"https://x.test/?a=1&amp;b=&lt;2&gt;\">Bob &quot;B&quot;</a>");
  EXPECT_EQ(FillTemplate("{{link}} {{unknown}}!", vars, false), "https://x.test/?a=1&b=<2> !");
  EXPECT_EQ(FillTemplate("no close {{link", vars, false), "no close {{link");
}

TEST(Templates, SectionsShowOnlyWithAValue) {
  const char* tmpl = "a{{#code}} code {{code}}{{/code}}b";
  EXPECT_EQ(FillTemplate(tmpl, {{"code", "1<2"}}, true), "a code 1&lt;2b");
  EXPECT_EQ(FillTemplate(tmpl, {{"code", ""}}, false), "ab");
  EXPECT_EQ(FillTemplate(tmpl, {}, false), "ab");
  EXPECT_EQ(FillTemplate("x{{#code}}never closed", {{"code", "1"}}, false), "xnever closed");
  // The built-in link mails show a code only when one is given.
  Templates t;
  EXPECT_EQ(t.Render("email-verify", "en", {{"link", "L"}}).text.find("code"), std::string::npos);
  EXPECT_NE(t.Render("email-verify", "en", {{"link", "L"}, {"code", "123456"}}).text.find("123456"),
            std::string::npos);
}

TEST(Templates, BuiltInsCoverEveryKind) {
  Templates t;
  for (const char* kind : {"email-verify", "signin-passwordless", "signin-otp", "password-reset",
                           "email-confirm-change", "email-changed-notice", "reauthentication"}) {
    RenderedMail m = t.Render(kind, "en", {{"link", "L"}, {"code", "123456"}});
    EXPECT_FALSE(m.subject.empty()) << kind;
    EXPECT_FALSE(m.text.empty()) << kind;
    EXPECT_NE(m.html.find("<html>"), std::string::npos) << kind;
  }
  EXPECT_NE(t.Render("signin-otp", "en", {{"code", "654321"}}).subject.find("654321"),
            std::string::npos);
}

TEST(Templates, SubjectNeverSpansLines) {
  Templates t;
  RenderedMail m = t.Render("signin-otp", "en", {{"code", "1\r\nBcc: evil@x.test"}});
  EXPECT_EQ(m.subject.find('\n'), std::string::npos);
  EXPECT_EQ(m.subject.find('\r'), std::string::npos);
}

TEST(Templates, FolderOverridesPerFileWithEnglishFallback) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("gh-tpl-" + std::to_string(::getpid()));
  fs::create_directories(dir / "en" / "email-verify");
  fs::create_directories(dir / "fr" / "email-verify");
  std::ofstream(dir / "en" / "email-verify" / "subject.txt") << "EN {{email}}";
  std::ofstream(dir / "fr" / "email-verify" / "body.txt") << "FR {{link}}";
  Templates t(dir.string());
  RenderedMail fr = t.Render("email-verify", "fr", {{"email", "a@b.c"}, {"link", "L"}});
  EXPECT_EQ(fr.subject, "EN a@b.c");  // fr has no subject: the folder's en one
  EXPECT_EQ(fr.text, "FR L");
  EXPECT_NE(fr.html.find("Verify email"), std::string::npos);  // built-in
  // A locale that tries to climb out of the folder is not used as a path.
  RenderedMail bad = t.Render("email-verify", "../../etc", {{"email", "x"}});
  EXPECT_EQ(bad.subject, "EN x");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace gh::notify
