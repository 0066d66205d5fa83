#include "crypto/qr_png.h"

#include <qrencode.h>

#include <array>
#include <memory>

#include "crypto/hash.h"

namespace gh::crypto {
namespace {

void PutBe32(std::string* out, uint32_t v) {
  out->push_back(static_cast<char>(v >> 24));
  out->push_back(static_cast<char>(v >> 16));
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v));
}

void PutChunk(std::string* png, std::string_view type, std::string_view data) {
  PutBe32(png, static_cast<uint32_t>(data.size()));
  std::string typed(type);
  typed += data;
  *png += typed;
  PutBe32(png, Crc32(typed));
}

// A zlib stream of `raw` in stored deflate blocks (at most 65535 bytes each).
std::string ZlibStored(std::string_view raw) {
  std::string z = {'\x78', '\x01'};  // deflate, 32 KiB window, no dictionary, check bits ok
  size_t pos = 0;
  do {
    size_t n = std::min<size_t>(raw.size() - pos, 65535);
    bool last = pos + n == raw.size();
    z.push_back(last ? '\x01' : '\x00');
    z.push_back(static_cast<char>(n & 0xff));
    z.push_back(static_cast<char>(n >> 8));
    z.push_back(static_cast<char>(~n & 0xff));
    z.push_back(static_cast<char>((~n >> 8) & 0xff));
    z.append(raw.substr(pos, n));
    pos += n;
  } while (pos < raw.size());
  PutBe32(&z, Adler32(raw));
  return z;
}

}  // namespace

uint32_t Crc32(std::string_view data) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t n = 0; n < 256; ++n) {
      uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  uint32_t c = 0xffffffffu;
  for (unsigned char b : data) c = table[(c ^ b) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

uint32_t Adler32(std::string_view data) {
  uint32_t a = 1, b = 0;
  for (unsigned char c : data) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  return (b << 16) | a;
}

std::string EncodeBlackWhitePng(int width, int height, const std::vector<bool>& dark) {
  std::string png = "\x89PNG\r\n\x1a\n";
  std::string ihdr;
  PutBe32(&ihdr, static_cast<uint32_t>(width));
  PutBe32(&ihdr, static_cast<uint32_t>(height));
  ihdr += std::string("\x01\x00\x00\x00\x00",
                      5);  // bit depth 1, greyscale, deflate, none, no interlace
  PutChunk(&png, "IHDR", ihdr);

  const size_t row_bytes = (static_cast<size_t>(width) + 7) / 8;
  std::string raw;
  raw.reserve((row_bytes + 1) * static_cast<size_t>(height));
  for (int y = 0; y < height; ++y) {
    raw.push_back('\0');  // filter: none
    std::string row(row_bytes, '\0');
    for (int x = 0; x < width; ++x) {
      // In 1-bit greyscale 1 is white: set the bit for light pixels.
      if (!dark[static_cast<size_t>(y) * width + x])
        row[x / 8] |= static_cast<char>(0x80 >> (x % 8));
    }
    raw += row;
  }
  PutChunk(&png, "IDAT", ZlibStored(raw));
  PutChunk(&png, "IEND", "");
  return png;
}

std::optional<QrSymbol> EncodeQr(std::string_view text) {
  std::string input(text);
  std::unique_ptr<QRcode, void (*)(QRcode*)> qr(
      QRcode_encodeString(input.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), QRcode_free);
  if (!qr) return std::nullopt;
  QrSymbol out;
  out.width = qr->width;
  out.dark.resize(static_cast<size_t>(qr->width) * qr->width);
  for (size_t i = 0; i < out.dark.size(); ++i) out.dark[i] = (qr->data[i] & 1) != 0;
  return out;
}

std::string QrPngDataUrl(std::string_view text, int scale) {
  std::optional<QrSymbol> qr = EncodeQr(text);
  if (!qr) return {};
  const int modules = qr->width + 2 * kQrQuietModules;
  const int size = modules * scale;
  std::vector<bool> dark(static_cast<size_t>(size) * size, false);
  for (int my = 0; my < qr->width; ++my) {
    for (int mx = 0; mx < qr->width; ++mx) {
      if (!qr->dark[static_cast<size_t>(my) * qr->width + mx]) continue;
      for (int dy = 0; dy < scale; ++dy) {
        for (int dx = 0; dx < scale; ++dx) {
          int x = (mx + kQrQuietModules) * scale + dx, y = (my + kQrQuietModules) * scale + dy;
          dark[static_cast<size_t>(y) * size + x] = true;
        }
      }
    }
  }
  return "data:image/png;base64," + Base64Encode(EncodeBlackWhitePng(size, size, dark));
}

}  // namespace gh::crypto
