#include "crypto/qr_svg.h"

#include <gtest/gtest.h>

#include <regex>

#include "crypto/qr_png.h"

namespace gh::crypto {
namespace {

constexpr char kUri[] = "otpauth://totp/Gatehouse:a@example.com?secret=JBSWY3DPEHPK3PXP";

TEST(QrSvgTest, DrawsEveryDarkModuleOfTheSymbolOnce) {
  std::optional<QrSymbol> qr = EncodeQr(kUri);
  ASSERT_TRUE(qr.has_value());
  std::string svg = QrSvg(kUri, 3);
  ASSERT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u) << svg.substr(0, 80);
  EXPECT_EQ(svg.substr(svg.size() - 6), "</svg>");
  const std::string side = std::to_string((qr->width + 8) * 3);
  EXPECT_NE(svg.find("viewBox=\"0 0 " + side + " " + side + "\""), std::string::npos);

  // Paint the path's rectangles back onto a grid and compare with the symbol.
  std::vector<int> painted(qr->dark.size(), 0);
  std::regex rect("M(\\d+) (\\d+)h(\\d+)v3h-(\\d+)z");
  int rects = 0;
  for (std::sregex_iterator it(svg.begin(), svg.end(), rect), end; it != end; ++it, ++rects) {
    int x = std::stoi((*it)[1]) / 3 - 4, y = std::stoi((*it)[2]) / 3 - 4;
    int run = std::stoi((*it)[3]) / 3;
    ASSERT_EQ((*it)[3], (*it)[4]);
    ASSERT_GE(x, 0);
    ASSERT_LE(x + run, qr->width);
    for (int i = 0; i < run; ++i) ++painted[static_cast<size_t>(y) * qr->width + x + i];
  }
  EXPECT_GT(rects, 0);
  for (size_t i = 0; i < painted.size(); ++i)
    ASSERT_EQ(painted[i], qr->dark[i] ? 1 : 0) << "module " << i;
  // The top-left finder pattern: a full 7-module dark run at the quiet zone's edge.
  EXPECT_NE(svg.find("M12 12h21v3h-21z"), std::string::npos);
}

TEST(QrSvgTest, EmptyWhenTheTextDoesNotFit) {
  EXPECT_EQ(QrSvg(std::string(8000, 'a')), "");
  EXPECT_EQ(QrSvg(kUri, 0), "");
}

}  // namespace
}  // namespace gh::crypto
