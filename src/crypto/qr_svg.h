// QR codes as SVG documents: what GoTrue's factor enrolment answers in
// totp.qr_code (supabase-js hands the raw SVG to the app, which puts it in an
// <img src="data:image/svg+xml;utf-8,...">). The symbol is the one the PNG
// rendering uses (EncodeQr, qr_png.h, libqrencode); only the drawing differs.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace gh::crypto {

// "<svg ...>...</svg>" of the QR code of `text`: a white square with the dark
// modules as one path, `scale` user units per module, a 4-module quiet zone.
// Empty on failure (text too long for a symbol).
std::string QrSvg(std::string_view text, int scale = 3);

}  // namespace gh::crypto
