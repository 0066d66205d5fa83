// QR codes as PNG data URLs (for authenticator-app enrolment), with a tiny PNG
// writer of our own: 1-bit greyscale, stored (uncompressed) deflate blocks, so
// no zlib is needed. QR symbols come from libqrencode (EncodeQr, which the
// SVG rendering in qr_svg.h shares).
//
// Pure functions; thread-safe (libqrencode's encoder is reentrant).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gh::crypto {

// CRC-32 (ISO-HDLC, as PNG chunks use) and Adler-32 (as zlib streams use).
uint32_t Crc32(std::string_view data);
uint32_t Adler32(std::string_view data);

// A PNG of a black-and-white image: `dark[y * width + x]` true = black.
// REQUIRES: width, height > 0 and dark.size() == width * height.
std::string EncodeBlackWhitePng(int width, int height, const std::vector<bool>& dark);

// The modules of the QR code of `text` from libqrencode (error correction
// level M, byte mode), without a quiet zone: `dark[y * width + x]`. nullopt
// when the text does not fit a symbol.
struct QrSymbol {
  int width = 0;
  std::vector<bool> dark;
};
std::optional<QrSymbol> EncodeQr(std::string_view text);

// The quiet zone every rendering of a QrSymbol puts around it, in modules.
inline constexpr int kQrQuietModules = 4;

// "data:image/png;base64,..." of the QR code of `text` (error correction level
// M, `scale` pixels per module, a 4-module quiet zone). Empty on failure.
std::string QrPngDataUrl(std::string_view text, int scale = 5);

}  // namespace gh::crypto
