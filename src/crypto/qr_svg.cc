#include "crypto/qr_svg.h"

#include "crypto/qr_png.h"

namespace gh::crypto {

std::string QrSvg(std::string_view text, int scale) {
  std::optional<QrSymbol> qr = EncodeQr(text);
  if (!qr || scale <= 0) return {};
  const int size = (qr->width + 2 * kQrQuietModules) * scale;
  const std::string side = std::to_string(size);
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + side +
                    "\" height=\"" + side + "\" viewBox=\"0 0 " + side + " " + side +
                    "\" shape-rendering=\"crispEdges\">";
  svg += "<rect width=\"" + side + "\" height=\"" + side + "\" fill=\"#ffffff\"/>";
  // One path: a run of dark modules in a row is one rectangle.
  svg += "<path fill=\"#000000\" d=\"";
  const std::string unit = std::to_string(scale);
  for (int y = 0; y < qr->width; ++y) {
    for (int x = 0; x < qr->width;) {
      if (!qr->dark[static_cast<size_t>(y) * qr->width + x]) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < qr->width && qr->dark[static_cast<size_t>(y) * qr->width + x + run]) ++run;
      svg += "M" + std::to_string((x + kQrQuietModules) * scale) + " " +
             std::to_string((y + kQrQuietModules) * scale) + "h" + std::to_string(run * scale) +
             "v" + unit + "h-" + std::to_string(run * scale) + "z";
      x += run;
    }
  }
  svg += "\"/></svg>";
  return svg;
}

}  // namespace gh::crypto
