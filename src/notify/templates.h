// notify::Templates: the text of every mail Gatehouse sends, per message kind and
// locale, as a subject, an HTML body and a plain-text body.
//
// Built-in English templates cover every kind. An operator overrides any of them
// from a folder (GATEHOUSE_EMAIL_TEMPLATES_PATH) laid out as
//   <folder>/<locale>/<kind>/subject.txt | body.html | body.txt
// Each file overrides on its own; a missing file falls back to the same file of
// locale "en" in the folder, then to the built-in text. Files are read on each
// render, so edits show up without a restart.
//
// Placeholders are written {{name}}: link, code, displayName, email, newEmail,
// redirectTo. Values are HTML-escaped in the HTML body; in the subject CR and LF
// become spaces. Unknown placeholders render as empty text. A section
// {{#name}}...{{/name}} shows its text only when `name` has a value: the link
// mails carry {{#code}}...{{/code}}, filled when the requesting dialect mails a
// six-digit code beside the link (GoTrue's), empty otherwise.
//
// Kinds: email-verify, signin-passwordless, signin-otp, password-reset,
// email-confirm-change, email-changed-notice, reauthentication.
//
// Thread-safe (read-only after construction).
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace gh::notify {

struct RenderedMail {
  std::string subject;
  std::string text;
  std::string html;
};

using TemplateVars = std::map<std::string, std::string>;

// The placeholder names, as operators write them in their template files (so
// they never change): what the flows fill in.
namespace placeholder {
inline constexpr char kLink[] = "link";
inline constexpr char kCode[] = "code";
inline constexpr char kDisplayName[] = "displayName";
inline constexpr char kEmail[] = "email";
inline constexpr char kNewEmail[] = "newEmail";
inline constexpr char kRedirectTo[] = "redirectTo";
}  // namespace placeholder

class Templates {
 public:
  // `override_dir` empty = built-in templates only.
  explicit Templates(std::string override_dir = {});

  // The mail of `kind` for `locale`. An unknown kind renders empty parts.
  RenderedMail Render(std::string_view kind, std::string_view locale,
                      const TemplateVars& vars) const;

 private:
  std::string Load(std::string_view kind, std::string_view locale, std::string_view file) const;
  std::string override_dir_;
};

// Replaces each {{name}} in `tmpl` with vars[name], HTML-escaped when `html`.
std::string FillTemplate(std::string_view tmpl, const TemplateVars& vars, bool html);
std::string HtmlEscape(std::string_view s);

}  // namespace gh::notify
