#include "notify/templates.h"

#include <cctype>
#include <fstream>
#include <sstream>

namespace gh::notify {
namespace {

struct BuiltIn {
  std::string_view kind;
  std::string_view subject;
  std::string_view text;
  std::string_view html;
};

// The HTML bodies share one plain layout; only the paragraph and button differ.
constexpr BuiltIn kBuiltIns[] = {
    {"email-verify", "Verify your email",
     "Hello {{displayName}},\n\nPlease confirm your email address {{email}} by opening this "
     "link:\n\n{{link}}\n{{#code}}\nOr enter this code: {{code}}\n{{/code}}\nOpening it confirms "
     "the account signed up with this address and "
     "the password chosen then. If you did not sign up, do not open it; ignoring this message "
     "is safe.\n",
     "<p>Hello {{displayName}},</p><p>Please confirm your email address {{email}}.</p>"
     "<p><a href=\"{{link}}\">Verify email</a></p>{{#code}}<p>Or enter this code: "
     "<b>{{code}}</b></p>{{/code}}"
     "<p>Opening it confirms the account signed up with this address and the password chosen "
     "then. If you did not sign up, do not open it; ignoring this message is safe.</p>"},
    {"signin-passwordless", "Your sign-in link",
     "Hello {{displayName}},\n\nOpen this link to sign in:\n\n{{link}}\n{{#code}}\nOr enter this "
     "code: {{code}}\n{{/code}}\nThe link works once "
     "and expires soon. If you did not ask for it, you can ignore this message.\n",
     "<p>Hello {{displayName}},</p><p><a href=\"{{link}}\">Sign in</a></p>"
     "{{#code}}<p>Or enter this code: <b>{{code}}</b></p>{{/code}}"
     "<p>The link works once and expires soon. If you did not ask for it, you can ignore this "
     "message.</p>"},
    {"signin-otp", "Your sign-in code: {{code}}",
     "Hello {{displayName}},\n\nYour sign-in code is {{code}}\n\nIt works once and expires soon. "
     "If you did not ask for it, you can ignore this message.\n",
     "<p>Hello {{displayName}},</p><p>Your sign-in code is</p><p style=\"font-size:24px;"
     "letter-spacing:4px\"><b>{{code}}</b></p><p>It works once and expires soon. If you did not "
     "ask for it, you can ignore this message.</p>"},
    {"password-reset", "Reset your password",
     "Hello {{displayName}},\n\nOpen this link to choose a new password:\n\n{{link}}\n"
     "{{#code}}\nOr enter this code: {{code}}\n{{/code}}\nIf you "
     "did not ask for it, you can ignore this message; your password stays as it is.\n",
     "<p>Hello {{displayName}},</p><p><a href=\"{{link}}\">Reset password</a></p>"
     "{{#code}}<p>Or enter this code: <b>{{code}}</b></p>{{/code}}"
     "<p>If you did not ask for it, you can ignore this message; your password stays as it "
     "is.</p>"},
    {"email-confirm-change", "Confirm your new email address",
     "Hello {{displayName}},\n\nOpen this link to use {{newEmail}} as your email address:\n\n"
     "{{link}}\n{{#code}}\nOr enter this code: {{code}}\n{{/code}}\nIf you did not ask for it, you "
     "can "
     "ignore this message.\n",
     "<p>Hello {{displayName}},</p><p>Confirm {{newEmail}} as your new email address.</p>"
     "<p><a href=\"{{link}}\">Change email</a></p>"
     "{{#code}}<p>Or enter this code: <b>{{code}}</b></p>{{/code}}"
     "<p>If you did not ask for it, you can ignore this message.</p>"},
    {"reauthentication", "Your confirmation code: {{code}}",
     "Hello {{displayName}},\n\nEnter this code to confirm it is you: {{code}}\n\nIt works once "
     "and expires soon. If you did not ask for it, change your password.\n",
     "<p>Hello {{displayName}},</p><p>Enter this code to confirm it is you:</p>"
     "<p style=\"font-size:24px;letter-spacing:4px\"><b>{{code}}</b></p><p>It works once and "
     "expires soon. If you did not ask for it, change your password.</p>"},
    {"email-changed-notice", "Your email address was changed",
     "Hello {{displayName}},\n\nThe email address of your account was changed from {{email}} to "
     "{{newEmail}}.\n\nIf you did not do this, contact support at once.\n",
     "<p>Hello {{displayName}},</p><p>The email address of your account was changed from "
     "{{email}} to {{newEmail}}.</p><p>If you did not do this, contact support at once.</p>"},
};

const BuiltIn* FindBuiltIn(std::string_view kind) {
  for (const BuiltIn& b : kBuiltIns)
    if (b.kind == kind) return &b;
  return nullptr;
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

// A locale or kind used as a path part: letters, digits and '-' only.
bool SafeName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  return true;
}

}  // namespace

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string FillTemplate(std::string_view tmpl, const TemplateVars& vars, bool html) {
  std::string out;
  size_t i = 0;
  while (i < tmpl.size()) {
    size_t open = tmpl.find("{{", i);
    if (open == std::string_view::npos) break;
    size_t close = tmpl.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(tmpl.substr(i, open - i));
    std::string name(tmpl.substr(open + 2, close - open - 2));
    while (!name.empty() && name.front() == ' ') name.erase(0, 1);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    i = close + 2;
    if (name.size() > 1 && name.front() == '#') {
      // A section: its text shows only when the value is set and not empty.
      name.erase(0, 1);
      const std::string end = "{{/" + name + "}}";
      size_t end_at = tmpl.find(end, i);
      if (end_at == std::string_view::npos) continue;  // unclosed: the marker alone goes
      auto it = vars.find(name);
      if (it != vars.end() && !it->second.empty())
        out += FillTemplate(tmpl.substr(i, end_at - i), vars, html);
      i = end_at + end.size();
      continue;
    }
    if (name.starts_with('/')) continue;  // a stray section end
    auto it = vars.find(name);
    if (it != vars.end()) out += html ? HtmlEscape(it->second) : it->second;
  }
  out.append(tmpl.substr(i));
  return out;
}

Templates::Templates(std::string override_dir) : override_dir_(std::move(override_dir)) {}

std::string Templates::Load(std::string_view kind, std::string_view locale,
                            std::string_view file) const {
  if (!override_dir_.empty() && SafeName(kind)) {
    std::string text;
    for (std::string_view loc : {locale, std::string_view("en")}) {
      if (!SafeName(loc)) continue;
      std::string path = override_dir_ + "/" + std::string(loc) + "/" + std::string(kind) + "/" +
                         std::string(file);
      if (ReadFile(path, &text)) return text;
    }
  }
  const BuiltIn* b = FindBuiltIn(kind);
  if (!b) return {};
  if (file == "subject.txt") return std::string(b->subject);
  if (file == "body.txt") return std::string(b->text);
  return "<!doctype html><html><body style=\"font-family:sans-serif\">" + std::string(b->html) +
         "</body></html>";
}

RenderedMail Templates::Render(std::string_view kind, std::string_view locale,
                               const TemplateVars& vars) const {
  RenderedMail m;
  m.subject = FillTemplate(Load(kind, locale, "subject.txt"), vars, false);
  for (char& c : m.subject)
    if (c == '\r' || c == '\n') c = ' ';
  while (!m.subject.empty() && m.subject.back() == ' ') m.subject.pop_back();
  m.text = FillTemplate(Load(kind, locale, "body.txt"), vars, false);
  m.html = FillTemplate(Load(kind, locale, "body.html"), vars, true);
  return m;
}

}  // namespace gh::notify
