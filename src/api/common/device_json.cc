#include "api/common/device_json.h"

namespace gh::api {

Json UserAgentJson(const useragent::ParsedUserAgent& u) {
  return {
      {"ua", u.ua},
      {"browser",
       {{"name", u.browser.name}, {"version", u.browser.version}, {"major", u.browser.major}}},
      {"engine", {{"name", u.engine.name}, {"version", u.engine.version}}},
      {"os", {{"name", u.os.name}, {"version", u.os.version}}},
      {"device", {{"model", u.device.model}, {"type", u.device.type}, {"vendor", u.device.vendor}}},
      {"cpu", {{"architecture", u.cpu.architecture}}}};
}

}  // namespace gh::api
