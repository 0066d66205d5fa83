// app::CountingMailer and app::CountingSmsSender: a mailer or SMS sender that
// is another one, and tells app::Metrics whether each message went. Wrapped
// around the configured sender by BuildFlows when metrics are on, so that the
// flows, the mail queue and the providers know nothing of metrics.
//
// Thread-safe as the wrapped sender is. Non-copyable; the Metrics outlives them.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "app/metrics.h"
#include "notify/mailer.h"
#include "notify/sms/sms_sender.h"

namespace gh::app {

class CountingMailer final : public notify::Mailer {
 public:
  CountingMailer(std::unique_ptr<notify::Mailer> inner, Metrics& metrics)
      : inner_(std::move(inner)), metrics_(metrics) {}
  CountingMailer(const CountingMailer&) = delete;
  CountingMailer& operator=(const CountingMailer&) = delete;

  core::Result<void> Send(const notify::MailMessage& message) override {
    core::Result<void> r = inner_->Send(message);
    metrics_.OnMailSent(r.ok());
    return r;
  }

 private:
  std::unique_ptr<notify::Mailer> inner_;
  Metrics& metrics_;
};

class CountingSmsSender final : public notify::SmsSender {
 public:
  CountingSmsSender(std::unique_ptr<notify::SmsSender> inner, Metrics& metrics)
      : inner_(std::move(inner)), metrics_(metrics) {}

  std::string_view name() const override { return inner_->name(); }
  core::Result<void> Send(const std::string& to, const std::string& text,
                          notify::SmsChannel channel) override {
    core::Result<void> r = inner_->Send(to, text, channel);
    metrics_.OnSmsSent(r.ok());
    return r;
  }
  bool GeneratesCodes() const override { return inner_->GeneratesCodes(); }
  // The provider sends its own code: that is this server's send.
  core::Result<void> StartVerification(const std::string& to, notify::SmsChannel channel) override {
    core::Result<void> r = inner_->StartVerification(to, channel);
    metrics_.OnSmsSent(r.ok());
    return r;
  }
  core::Result<bool> CheckVerification(const std::string& to, const std::string& code) override {
    return inner_->CheckVerification(to, code);
  }

 private:
  std::unique_ptr<notify::SmsSender> inner_;
  Metrics& metrics_;
};

}  // namespace gh::app
