#include "crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cassert>
#include <cstdlib>
#include <memory>

namespace guichet::card::crypto {

namespace {

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// 3DES-EDE-CBC over whole blocks with the given IV. OpenSSL's default
// provider has two-key triple DES; single DES (for the retail MAC) is the
// same cipher with K1 = K2.
Bytes des_ede_cbc(ByteView key, ByteView iv, ByteView data, bool encrypting)
{
    assert(key.size() == 16 && iv.size() == 8 && data.size() % 8 == 0);
    CipherContext context(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    Bytes out(data.size() + 8);
    int written = 0;
    int final_written = 0;
    bool fine = context
        && EVP_CipherInit_ex(context.get(), EVP_des_ede_cbc(), nullptr, key.data(), iv.data(), encrypting ? 1 : 0) == 1
        && EVP_CIPHER_CTX_set_padding(context.get(), 0) == 1
        && EVP_CipherUpdate(context.get(), out.data(), &written, data.data(), static_cast<int>(data.size())) == 1
        && EVP_CipherFinal_ex(context.get(), out.data() + written, &final_written) == 1;
    // The cipher is a fixed, built-in one: failing here is a broken
    // OpenSSL, not bad input.
    if (!fine)
        std::abort();
    out.resize(static_cast<std::size_t>(written + final_written));
    return out;
}

constexpr std::uint8_t zero_iv[8] {};

}

Bytes pad(ByteView data)
{
    Bytes out(data.begin(), data.end());
    out.push_back(0x80);
    while (out.size() % 8 != 0)
        out.push_back(0x00);
    return out;
}

Result<Bytes> unpad(ByteView data)
{
    std::size_t end = data.size();
    while (end > 0 && data[end - 1] == 0x00)
        --end;
    if (end == 0 || data[end - 1] != 0x80 || data.size() - end >= 8)
        return Error::make("card.sm.padding", "the decrypted data does not end with ISO 9797-1 padding");
    return Bytes(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(end - 1));
}

Bytes encrypt(ByteView key, ByteView data)
{
    return des_ede_cbc(key, zero_iv, data, true);
}

Bytes decrypt(ByteView key, ByteView data)
{
    return des_ede_cbc(key, zero_iv, data, false);
}

Bytes retail_mac(ByteView key, ByteView padded)
{
    assert(key.size() == 16 && padded.size() >= 8 && padded.size() % 8 == 0);
    Bytes k1k1 = concat({ key.first(8), key.first(8) });
    Bytes chain(zero_iv, zero_iv + 8);
    if (padded.size() > 8) {
        auto all_but_last = des_ede_cbc(k1k1, chain, padded.first(padded.size() - 8), true);
        chain.assign(all_but_last.end() - 8, all_but_last.end());
    }
    auto last = des_ede_cbc(key, chain, padded.last(8), true);
    wipe(k1k1);
    return last;
}

bool same_mac(ByteView a, ByteView b)
{
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Bytes sha1(ByteView data)
{
    Bytes digest(SHA_DIGEST_LENGTH);
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha1(), nullptr) != 1)
        std::abort();
    return digest;
}

void adjust_parity(Bytes& key)
{
    for (auto& byte : key) {
        int ones = __builtin_popcount(byte & 0xFE);
        byte = static_cast<std::uint8_t>((byte & 0xFE) | (ones % 2 == 0 ? 1 : 0));
    }
}

SecretBytes derive_key(ByteView seed, std::uint32_t counter)
{
    Bytes input(seed.begin(), seed.end());
    for (int shift = 24; shift >= 0; shift -= 8)
        input.push_back(static_cast<std::uint8_t>(counter >> shift));
    Bytes digest = sha1(input);
    wipe(input);
    digest.resize(16);
    adjust_parity(digest);
    return SecretBytes(std::move(digest));
}

Result<Bytes> random_bytes(std::size_t count)
{
    Bytes out(count);
    if (RAND_bytes(out.data(), static_cast<int>(count)) != 1)
        return Error::make("card.random", "the random generator failed");
    return out;
}

}
