// Basic Access Control and secure messaging (ICAO Doc 9303 Part 11 §4.3,
// §9.7, §9.8), both sides: the terminal (the kiosk) and the chip (the
// simulated card, which must speak the same protocol to test it).
//
// BAC proves the terminal has seen the document's MRZ: keys derived from the
// document number, birth date and expiry date encrypt a challenge-response
// (GET CHALLENGE, then EXTERNAL AUTHENTICATE, which ICAO calls MUTUAL
// AUTHENTICATE), whose result is a pair of session keys. From then on every
// command and response is enciphered and MACed: data in DO87, the expected
// length in DO97, the status word in DO99, the MAC in DO8E, each MAC
// chained by a send sequence counter (SSC) so that no answer can be
// replayed or reordered.
#pragma once

#include "apdu.hpp"
#include "bytes.hpp"

#include "kiosk/core/mrz.hpp"
#include "kiosk/core/result.hpp"

namespace guichet::card::bac {

struct KeyPair {
    SecretBytes enc; // 16 bytes, 3DES K1 || K2
    SecretBytes mac;
};

// The document basic access keys, K_Enc and K_MAC, from the MRZ
// information (SHA-1 of it, first 16 bytes as the seed).
KeyPair document_keys(mrz::AccessKey const& access);
KeyPair document_keys_from_information(std::string_view mrz_information);

// The session after a successful authentication.
struct Session {
    KeyPair keys; // KS_Enc, KS_MAC
    SecretBytes ssc; // 8 bytes
};

// Terminal side, step by step so that the ICAO worked example can be
// replayed with its fixed random values.
//
// The EXTERNAL AUTHENTICATE data: E_IFD || M_IFD, with
// E_IFD = 3DES(K_Enc, RND.IFD || RND.IC || K.IFD), M_IFD = MAC(K_MAC, E_IFD).
Bytes authentication_data(KeyPair const& keys, ByteView rnd_ic, ByteView rnd_ifd, ByteView k_ifd);
// Checks the chip's answer (E_IC || M_IC): its MAC, then that it echoes
// both challenges; derives the session keys from K.IFD xor K.IC. Error
// "card.bac.mac" (the answer was not MACed with our key: wrong access data,
// or a corrupted answer), "card.bac.length", "card.bac.challenge".
Result<Session> finish_authentication(
    KeyPair const& keys, ByteView rnd_ic, ByteView rnd_ifd, ByteView k_ifd, ByteView response);

// Secure messaging once authenticated, terminal side.
class TerminalChannel {
public:
    explicit TerminalChannel(Session session)
        : m_session(std::move(session))
    {
    }
    // The protected form of a plain command (CLA | 0C, DO87/DO97/DO8E, Le 00).
    CommandApdu protect(CommandApdu const& plain);
    // Checks the response's MAC (which covers its status word, DO99) and
    // deciphers its data. Error codes: "card.sm.missing" (no DO8E or DO99:
    // the chip answered in the clear, which it does when it dropped the
    // session), "card.sm.mac", "card.sm.padding", "card.sm.malformed" (a
    // data object of the wrong size), "card.sm.unexpected" (an object secure
    // messaging does not use), "card.tlv.*"; a status
    // other than 9000 inside DO99 is returned as the response's sw, for the
    // caller to map.
    Result<ResponseApdu> unprotect(ResponseApdu const& response);

private:
    Session m_session;
};

// Secure messaging, chip side: the mirror image, for the simulated card.
class ChipChannel {
public:
    explicit ChipChannel(Session session)
        : m_session(std::move(session))
    {
    }
    // The plain command inside a protected one. Error codes as above;
    // the chip answers them with 6988 and drops the session.
    Result<CommandApdu> unprotect(CommandApdu const& command);
    ResponseApdu protect(ResponseApdu const& plain);

private:
    Session m_session;
};

// Chip side of the authentication: checks E_IFD || M_IFD against the
// challenge it gave, and returns its answer and the session. Error
// "card.bac.mac" when the terminal used other keys (wrong MRZ).
struct ChipAnswer {
    Bytes response; // E_IC || M_IC
    Session session;
};
Result<ChipAnswer> chip_authenticate(KeyPair const& keys, ByteView rnd_ic, ByteView k_ic, ByteView command_data);

}
