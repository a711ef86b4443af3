// The development CA, written against the OpenSSL 3.0 C API; see dev_ca.hpp.
#include "dev_ca.hpp"

#include "sync/private_file.hpp"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring> // strstr, used by the EVP_EC_gen macro
#include <ctime>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>

namespace guichet::hub {
namespace {

constexpr char const* ca_common_name = "Guichet development CA";
constexpr char const* default_server_name = "localhost";
constexpr char const* curve = "P-256";

// Certificates start this many days in the past: a kiosk whose clock runs a
// day late must still find them valid.
constexpr int backdate_days = 2;
constexpr int ca_lifetime_years = 10;
// Under the 825 days that some TLS clients (Apple's) accept for a server
// certificate, backdating included.
constexpr int server_lifetime_years = 2;
constexpr int serial_bits = 128;
constexpr std::size_t common_name_max_size = 64; // ub_common_name in RFC 5280

constexpr mode_t public_file_mode = 0644;
constexpr mode_t private_file_mode = 0600;

// [SECTION] RAII for OpenSSL objects

template<auto free_function> struct OpenSslDeleter {
    template<typename T> void operator()(T* object) const { free_function(object); }
};

using Asn1Ia5StringPtr = std::unique_ptr<ASN1_IA5STRING, OpenSslDeleter<ASN1_IA5STRING_free>>;
using Asn1OctetStringPtr = std::unique_ptr<ASN1_OCTET_STRING, OpenSslDeleter<ASN1_OCTET_STRING_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO_free_all>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpenSslDeleter<X509_EXTENSION_free>>;
using GeneralNamePtr = std::unique_ptr<GENERAL_NAME, OpenSslDeleter<GENERAL_NAME_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OpenSslDeleter<GENERAL_NAMES_free>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY_free>>;
using NamePtr = std::unique_ptr<X509_NAME, OpenSslDeleter<X509_NAME_free>>;
using CertificatePtr = std::unique_ptr<X509, OpenSslDeleter<X509_free>>;

// [SECTION] Errors

// Drains this thread's OpenSSL error queue into the detail, so that the log
// says why OpenSSL refused and the next call starts from an empty queue.
Error openssl_error(std::string_view step)
{
    std::string detail(step);
    char const* separator = ": ";
    while (unsigned long const code = ERR_get_error()) {
        char text[256];
        ERR_error_string_n(code, text, sizeof text);
        detail += separator;
        detail += text;
        separator = "; ";
    }
    return Error::make("devca.openssl", std::move(detail));
}

// The paths are included: they name files of the hub's configuration, never
// anything personal, and the technician needs them.
Error io_error(std::string_view step, std::filesystem::path const& path, std::error_code error)
{
    return Error::make("devca.io", std::string(step) + " " + path.string() + ": " + error.message());
}

// [SECTION] Files

// sync/private_file.hpp writes and reads; its errors become ours.
Result<void> write_atomically(std::filesystem::path const& destination, std::string_view bytes, mode_t mode)
{
    auto written = write_file_atomically(destination, bytes, mode);
    if (!written.ok())
        return Error::make("devca.io", written.error().detail);
    return {};
}

Result<std::string> read_file(std::filesystem::path const& path)
{
    auto text = read_private_file(path);
    if (!text.ok())
        return Error::make("devca.io", text.error().detail);
    return text.release_value();
}

// The text a memory BIO holds, without copying it: key material is not
// duplicated into memory that nobody wipes.
std::string_view contents_of(BIO* bio)
{
    char* data = nullptr;
    long const size = BIO_get_mem_data(bio, &data);
    return { data, static_cast<std::size_t>(size) };
}

// [SECTION] Names

struct SubjectAltName {
    int type; // GEN_DNS or GEN_IPADD
    std::string value; // the DNS name, or the address's 4 or 16 bytes

    bool operator==(SubjectAltName const&) const = default;
};

std::optional<std::string> parse_ip_address(std::string const& text)
{
    unsigned char address[16];
    if (::inet_pton(AF_INET, text.c_str(), address) == 1)
        return std::string(reinterpret_cast<char const*>(address), 4);
    if (::inet_pton(AF_INET6, text.c_str(), address) == 1)
        return std::string(reinterpret_cast<char const*>(address), 16);
    return std::nullopt;
}

// A host name as a certificate can carry it: ASCII labels of letters,
// digits, '-' and '_', optionally under a leading "*." wildcard. Anything
// else (a URL, a bracketed or zoned IPv6 address, a typo with a space) would
// only produce a certificate that never matches.
bool is_dns_name(std::string_view name)
{
    if (name.starts_with("*."))
        name.remove_prefix(2);
    if (name.empty() || name.size() > 253)
        return false;
    bool label_empty = true;
    for (char const c : name) {
        if (c == '.') {
            if (label_empty)
                return false;
            label_empty = true;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
            label_empty = false;
        } else {
            return false;
        }
    }
    return !label_empty;
}

Result<std::vector<SubjectAltName>> subject_alt_names(std::vector<std::string> const& names)
{
    std::vector<SubjectAltName> entries {
        { GEN_DNS, "localhost" },
        { GEN_IPADD, *parse_ip_address("127.0.0.1") },
        { GEN_IPADD, *parse_ip_address("::1") },
    };
    for (std::string const& name : names) {
        SubjectAltName entry;
        if (auto address = parse_ip_address(name)) {
            entry = { GEN_IPADD, std::move(*address) };
        } else if (is_dns_name(name)) {
            // DNS names compare without case; one spelling is enough.
            entry = { GEN_DNS, name };
            for (char& c : entry.value)
                c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        } else {
            return Error::make("devca.bad_name", "not an IP address nor a DNS name: \"" + name + "\"");
        }
        if (std::find(entries.begin(), entries.end(), entry) == entries.end())
            entries.push_back(std::move(entry));
    }
    return entries;
}

Result<void> add_subject_alt_names(X509* certificate, std::vector<SubjectAltName> const& entries)
{
    GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
    if (!names)
        return openssl_error("allocating subjectAltName");
    for (SubjectAltName const& entry : entries) {
        GeneralNamePtr name(GENERAL_NAME_new());
        if (!name)
            return openssl_error("allocating a subjectAltName entry");
        auto const* data = reinterpret_cast<unsigned char const*>(entry.value.data());
        int const size = static_cast<int>(entry.value.size());
        if (entry.type == GEN_DNS) {
            Asn1Ia5StringPtr text(ASN1_IA5STRING_new());
            if (!text || !ASN1_STRING_set(text.get(), data, size))
                return openssl_error("encoding a DNS name");
            GENERAL_NAME_set0_value(name.get(), GEN_DNS, text.release());
        } else {
            Asn1OctetStringPtr address(ASN1_OCTET_STRING_new());
            if (!address || !ASN1_OCTET_STRING_set(address.get(), data, size))
                return openssl_error("encoding an IP address");
            GENERAL_NAME_set0_value(name.get(), GEN_IPADD, address.release());
        }
        if (sk_GENERAL_NAME_push(names.get(), name.get()) <= 0)
            return openssl_error("adding a subjectAltName entry");
        name.release();
    }
    if (X509_add1_ext_i2d(certificate, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1)
        return openssl_error("adding subjectAltName");
    return {};
}

Result<NamePtr> name_with_common_name(std::string const& common_name)
{
    NamePtr name(X509_NAME_new());
    if (!name
        || !X509_NAME_add_entry_by_NID(name.get(), NID_commonName, MBSTRING_UTF8,
            reinterpret_cast<unsigned char const*>(common_name.c_str()), -1, -1, 0))
        return openssl_error("building the name CN=" + common_name);
    return name;
}

// [SECTION] Certificates

Result<KeyPtr> generate_key()
{
    KeyPtr key(EVP_EC_gen(curve));
    if (!key)
        return openssl_error("generating a P-256 key");
    return key;
}

// A certificate with everything but extensions and signature: version 3, a
// random serial, the validity window, the names and the public key.
Result<CertificatePtr> new_certificate(X509_NAME* subject, X509_NAME* issuer, EVP_PKEY* key, int lifetime_years)
{
    CertificatePtr certificate(X509_new());
    if (!certificate)
        return openssl_error("allocating a certificate");

    // Serials are random rather than counted: a reissued server certificate
    // must never share its issuer and serial with an earlier one, and the
    // directory keeps no counter. BN_RAND_TOP_ONE makes it exactly 128 bits.
    BignumPtr serial(BN_new());
    if (!serial || !BN_rand(serial.get(), serial_bits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY)
        || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get())))
        return openssl_error("choosing a serial number");

    // The lifetime counts calendar years from now, so "10 years" ends on
    // today's date ten years on, whatever the leap days in between.
    std::time_t now = std::time(nullptr);
    std::tm end {};
    if (!gmtime_r(&now, &end))
        return Error::make("devca.openssl", "the clock cannot be read as a UTC date");
    end.tm_year += lifetime_years;
    std::time_t not_after = timegm(&end);

    if (!X509_set_version(certificate.get(), X509_VERSION_3)
        || !X509_time_adj_ex(X509_getm_notBefore(certificate.get()), -backdate_days, 0, &now)
        || !X509_time_adj_ex(X509_getm_notAfter(certificate.get()), 0, 0, &not_after)
        || !X509_set_subject_name(certificate.get(), subject) || !X509_set_issuer_name(certificate.get(), issuer)
        || !X509_set_pubkey(certificate.get(), key))
        return openssl_error("filling in a certificate");
    return certificate;
}

// One extension written as in openssl.cnf; `context` says which certificate
// is the subject and which the issuer, for the key identifiers.
Result<void> add_extension(X509* certificate, X509V3_CTX* context, int nid, char const* value)
{
    ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, context, nid, value));
    if (!extension || !X509_add_ext(certificate, extension.get(), -1))
        return openssl_error(std::string("adding ") + OBJ_nid2sn(nid) + " = " + value);
    return {};
}

struct CertificateAndKey {
    CertificatePtr certificate;
    KeyPtr key;
};

Result<CertificateAndKey> issue_ca()
{
    KeyPtr key = GUICHET_TRY(generate_key());
    NamePtr name = GUICHET_TRY(name_with_common_name(ca_common_name));
    CertificatePtr certificate = GUICHET_TRY(new_certificate(name.get(), name.get(), key.get(), ca_lifetime_years));

    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, certificate.get(), certificate.get(), nullptr, nullptr, 0);
    GUICHET_TRY(add_extension(certificate.get(), &context, NID_basic_constraints, "critical,CA:TRUE"));
    GUICHET_TRY(add_extension(certificate.get(), &context, NID_key_usage, "critical,keyCertSign,cRLSign"));
    GUICHET_TRY(add_extension(certificate.get(), &context, NID_subject_key_identifier, "hash"));

    if (!X509_sign(certificate.get(), key.get(), EVP_sha256()))
        return openssl_error("signing the CA certificate");
    return CertificateAndKey { std::move(certificate), std::move(key) };
}

Result<CertificateAndKey> issue_server_certificate(
    CertificateAndKey const& ca, std::vector<std::string> const& names, std::vector<SubjectAltName> const& alt_names)
{
    // Clients match the subjectAltName, not the common name; the common name
    // is for people reading the certificate.
    std::string common_name = default_server_name;
    if (!names.empty() && !names.front().empty() && names.front().size() <= common_name_max_size)
        common_name = names.front();

    KeyPtr key = GUICHET_TRY(generate_key());
    NamePtr name = GUICHET_TRY(name_with_common_name(common_name));
    CertificatePtr certificate = GUICHET_TRY(
        new_certificate(name.get(), X509_get_subject_name(ca.certificate.get()), key.get(), server_lifetime_years));

    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, ca.certificate.get(), certificate.get(), nullptr, nullptr, 0);
    GUICHET_TRY(add_extension(certificate.get(), &context, NID_basic_constraints, "critical,CA:FALSE"));
    GUICHET_TRY(add_extension(certificate.get(), &context, NID_key_usage, "critical,digitalSignature"));
    GUICHET_TRY(add_extension(certificate.get(), &context, NID_ext_key_usage, "serverAuth"));
    GUICHET_TRY(add_extension(certificate.get(), &context, NID_subject_key_identifier, "hash"));
    GUICHET_TRY(add_extension(certificate.get(), &context, NID_authority_key_identifier, "keyid:always"));
    GUICHET_TRY(add_subject_alt_names(certificate.get(), alt_names));

    if (!X509_sign(certificate.get(), ca.key.get(), EVP_sha256()))
        return openssl_error("signing the server certificate");
    return CertificateAndKey { std::move(certificate), std::move(key) };
}

// [SECTION] PEM

// Never prompts: OpenSSL's default password callback would read the terminal
// if someone left an encrypted key in the directory.
int refuse_password(char*, int, int, void*)
{
    return 0;
}

Result<CertificateAndKey> load_ca(DevCaFiles const& files)
{
    std::string const certificate_text = GUICHET_TRY(read_file(files.ca_certificate));
    std::string key_text = GUICHET_TRY(read_file(files.ca_key));

    CertificateAndKey ca;
    {
        BioPtr bio(BIO_new_mem_buf(certificate_text.data(), static_cast<int>(certificate_text.size())));
        if (bio)
            ca.certificate.reset(PEM_read_bio_X509(bio.get(), nullptr, refuse_password, nullptr));
    }
    {
        BioPtr bio(BIO_new_mem_buf(key_text.data(), static_cast<int>(key_text.size())));
        if (bio)
            ca.key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_password, nullptr));
        OPENSSL_cleanse(key_text.data(), key_text.size());
    }
    if (!ca.certificate)
        return openssl_error("reading " + files.ca_certificate.string());
    if (!ca.key)
        return openssl_error("reading " + files.ca_key.string());
    if (X509_check_private_key(ca.certificate.get(), ca.key.get()) != 1)
        return openssl_error(files.ca_key.string() + " does not match " + files.ca_certificate.string());
    // A leaf put in ca.pem by mistake would sign server certificates that no
    // kiosk can verify.
    if (X509_check_ca(ca.certificate.get()) == 0)
        return openssl_error(files.ca_certificate.string() + " is not a CA certificate");
    return ca;
}

Result<void> write_certificates(std::filesystem::path const& path, std::vector<X509*> const& chain)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio)
        return openssl_error("allocating a buffer");
    for (X509* certificate : chain) {
        if (!PEM_write_bio_X509(bio.get(), certificate))
            return openssl_error("encoding " + path.string());
    }
    return write_atomically(path, contents_of(bio.get()), public_file_mode);
}

Result<void> write_private_key(std::filesystem::path const& path, EVP_PKEY* key)
{
    // A secure-memory BIO wipes its buffer when freed.
    BioPtr bio(BIO_new(BIO_s_secmem()));
    if (!bio)
        return openssl_error("allocating a buffer");
    if (!PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr))
        return openssl_error("encoding " + path.string());
    return write_atomically(path, contents_of(bio.get()), private_file_mode);
}

Result<bool> file_exists(std::filesystem::path const& path)
{
    std::error_code error;
    bool const found = std::filesystem::exists(path, error);
    if (error)
        return io_error("looking for", path, error);
    return found;
}

}

Result<DevCaFiles> create_dev_ca(std::filesystem::path const& dir, std::vector<std::string> const& names)
{
    // Whatever an earlier caller left in this thread's queue is not ours to
    // report.
    ERR_clear_error();

    // Checked before anything is written: a typo in the hub's configuration
    // must not leave a new CA behind.
    std::vector<SubjectAltName> const alt_names = GUICHET_TRY(subject_alt_names(names));

    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error)
        return io_error("creating", dir, error);

    DevCaFiles files {
        .ca_certificate = dir / "ca.pem",
        .ca_key = dir / "ca-key.pem",
        .server_certificate = dir / "server.pem",
        .server_key = dir / "server-key.pem",
    };

    bool const has_ca_certificate = GUICHET_TRY(file_exists(files.ca_certificate));
    bool const has_ca_key = GUICHET_TRY(file_exists(files.ca_key));
    CertificateAndKey ca;
    if (has_ca_certificate && has_ca_key) {
        ca = GUICHET_TRY(load_ca(files));
    } else {
        // One of the two alone cannot sign anything: start a new CA. The key
        // is written first, so that a crash in between leaves a certificate
        // missing, never a certificate without its key.
        ca = GUICHET_TRY(issue_ca());
        GUICHET_TRY(write_private_key(files.ca_key, ca.key.get()));
        GUICHET_TRY(write_certificates(files.ca_certificate, { ca.certificate.get() }));
    }

    CertificateAndKey server = GUICHET_TRY(issue_server_certificate(ca, names, alt_names));
    GUICHET_TRY(write_private_key(files.server_key, server.key.get()));
    GUICHET_TRY(write_certificates(files.server_certificate, { server.certificate.get(), ca.certificate.get() }));
    return files;
}

}
