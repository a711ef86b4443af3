// The cryptography of Basic Access Control (ICAO Doc 9303 Part 11 §9.7-9.8),
// on OpenSSL's libcrypto: two-key triple DES in CBC mode with a zero IV,
// the ISO/IEC 9797-1 MAC algorithm 3 ("retail MAC") with padding method 2,
// SHA-1 for key derivation, and the system's random generator.
#pragma once

#include "bytes.hpp"

#include "kiosk/core/result.hpp"

#include <cstdint>

namespace guichet::card::crypto {

// ISO/IEC 9797-1 padding method 2: 80, then 00 up to a multiple of 8.
Bytes pad(ByteView data);
// Takes that padding off again. Error "card.sm.padding" when it is not there.
Result<Bytes> unpad(ByteView data);

// 3DES-CBC (K1, K2, K1) with IV 0, no padding: `data` is a multiple of 8
// bytes and `key` 16 bytes (asserted: callers build both).
Bytes encrypt(ByteView key, ByteView data);
Bytes decrypt(ByteView key, ByteView data);

// Retail MAC over already padded data (a multiple of 8): single DES CBC
// with K1, the last block then decrypted with K2 and encrypted with K1.
// 8 bytes.
Bytes retail_mac(ByteView key, ByteView padded);
// Compares MACs in constant time.
bool same_mac(ByteView a, ByteView b);

Bytes sha1(ByteView data);
// Sets each byte's lowest bit so that it has an odd number of 1 bits.
void adjust_parity(Bytes& key);

// Key derivation function of Part 11 §9.7.1: SHA-1(seed || counter on 4
// bytes), its first 16 bytes, parity-adjusted. Counter 1 gives the
// encryption key, 2 the MAC key.
SecretBytes derive_key(ByteView seed, std::uint32_t counter);

// Bytes from the operating system's generator. Error "card.random" if it
// fails (it does not, on a booted Linux).
Result<Bytes> random_bytes(std::size_t count);

}
