// The development CA: what a kiosk's TLS stack sees when it checks the hub's
// certificate (chain, names, validity, a clock a day late), what is kept
// between runs, the key files' modes, and a real TLS handshake on loopback.
#include "sync/hub/dev_ca.hpp"

#include "tests/lib/scratch_folder.hpp"

#include <gtest/gtest.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace guichet::hub {
namespace {

// [SECTION] Helpers

template<auto free_function> struct OpenSslDeleter {
    template<typename T> void operator()(T* object) const { free_function(object); }
};
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO_free_all>>;
using CertificatePtr = std::unique_ptr<X509, OpenSslDeleter<X509_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OpenSslDeleter<GENERAL_NAMES_free>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY_free>>;
using SslContextPtr = std::unique_ptr<SSL_CTX, OpenSslDeleter<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, OpenSslDeleter<SSL_free>>;
using StoreContextPtr = std::unique_ptr<X509_STORE_CTX, OpenSslDeleter<X509_STORE_CTX_free>>;
using StorePtr = std::unique_ptr<X509_STORE, OpenSslDeleter<X509_STORE_free>>;

// A fresh folder, removed with everything in it at the end of the test.
using ScratchDirectory = test_support::ScratchFolder;

class FileDescriptor {
public:
    explicit FileDescriptor(int fd = -1)
        : m_fd(fd)
    {
    }
    FileDescriptor(FileDescriptor const&) = delete;
    FileDescriptor& operator=(FileDescriptor const&) = delete;
    ~FileDescriptor()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    int get() const { return m_fd; }

private:
    int m_fd;
};

std::string read_bytes(std::filesystem::path const& path)
{
    std::ifstream stream(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
}

// Every certificate of a PEM file, in order.
std::vector<CertificatePtr> read_certificates(std::filesystem::path const& path)
{
    std::vector<CertificatePtr> certificates;
    BioPtr bio(BIO_new_file(path.c_str(), "r"));
    if (!bio)
        return certificates;
    while (X509* certificate = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr))
        certificates.emplace_back(certificate);
    ERR_clear_error(); // the read past the last certificate queues "no start line"
    return certificates;
}

CertificatePtr read_certificate(std::filesystem::path const& path)
{
    auto certificates = read_certificates(path);
    return certificates.empty() ? nullptr : std::move(certificates.front());
}

KeyPtr read_private_key(std::filesystem::path const& path)
{
    BioPtr bio(BIO_new_file(path.c_str(), "r"));
    return KeyPtr(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

std::string verify_error_text(int error)
{
    return X509_verify_cert_error_string(error);
}

// What a kiosk's X509_verify_cert says about `leaf` when it trusts `ca_file`
// alone and checks it as a TLS server certificate, at `at` (now by default).
int verify_as_tls_server(std::filesystem::path const& ca_file, X509* leaf, std::optional<std::time_t> at = std::nullopt)
{
    StorePtr store(X509_STORE_new());
    if (!store || X509_STORE_load_file(store.get(), ca_file.c_str()) != 1)
        return X509_V_ERR_UNSPECIFIED;
    StoreContextPtr context(X509_STORE_CTX_new());
    if (!context || X509_STORE_CTX_init(context.get(), store.get(), leaf, nullptr) != 1
        || X509_STORE_CTX_set_purpose(context.get(), X509_PURPOSE_SSL_SERVER) != 1)
        return X509_V_ERR_UNSPECIFIED;
    if (at)
        X509_STORE_CTX_set_time(context.get(), 0, *at);
    if (X509_verify_cert(context.get()) == 1)
        return X509_V_OK;
    return X509_STORE_CTX_get_error(context.get());
}

// The subjectAltName entries as "DNS:name" and "IP:address".
std::set<std::string> subject_alt_names(X509* certificate)
{
    std::set<std::string> result;
    GeneralNamesPtr names(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr)));
    if (!names)
        return result;
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
        GENERAL_NAME const* name = sk_GENERAL_NAME_value(names.get(), i);
        if (name->type == GEN_DNS) {
            ASN1_IA5STRING const* text = name->d.dNSName;
            result.insert("DNS:"
                + std::string(reinterpret_cast<char const*>(ASN1_STRING_get0_data(text)), ASN1_STRING_length(text)));
        } else if (name->type == GEN_IPADD) {
            ASN1_OCTET_STRING const* address = name->d.iPAddress;
            int const family = ASN1_STRING_length(address) == 4 ? AF_INET : AF_INET6;
            char text[INET6_ADDRSTRLEN] = {};
            ::inet_ntop(family, ASN1_STRING_get0_data(address), text, sizeof text);
            result.insert(std::string("IP:") + text);
        } else {
            result.insert("other");
        }
    }
    return result;
}

std::string common_name(X509* certificate)
{
    char text[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), NID_commonName, text, sizeof text);
    return text;
}

// Seconds from `time` to now (positive when `time` is in the past).
long seconds_since(ASN1_TIME const* time)
{
    int days = 0;
    int seconds = 0;
    if (ASN1_TIME_diff(&days, &seconds, time, nullptr) != 1)
        return 0;
    return days * 86400L + seconds;
}

mode_t permissions_of(std::filesystem::path const& path)
{
    struct stat status { };
    if (::stat(path.c_str(), &status) != 0)
        return 0;
    return status.st_mode & 07777;
}

DevCaFiles create_or_fail(std::filesystem::path const& dir, std::vector<std::string> const& names = {})
{
    auto files = create_dev_ca(dir, names);
    if (!files.ok()) {
        ADD_FAILURE() << files.error().code << ": " << files.error().detail;
        return {};
    }
    return files.release_value();
}

// [SECTION] Files, chain and certificate contents

TEST(DevCa, CreatesDirectoryAndFilesWithKeysReadableByOwnerOnly)
{
    ScratchDirectory scratch;
    auto const dir = scratch.path() / "etc" / "guichet" / "tls";
    DevCaFiles const files = create_or_fail(dir);

    EXPECT_EQ(files.ca_certificate, dir / "ca.pem");
    EXPECT_EQ(files.ca_key, dir / "ca-key.pem");
    EXPECT_EQ(files.server_certificate, dir / "server.pem");
    EXPECT_EQ(files.server_key, dir / "server-key.pem");
    EXPECT_EQ(permissions_of(files.ca_key), 0600u);
    EXPECT_EQ(permissions_of(files.server_key), 0600u);
    EXPECT_EQ(permissions_of(files.ca_certificate), 0644u);
    EXPECT_EQ(permissions_of(files.server_certificate), 0644u);

    // Only the four files: no temporary left behind.
    std::set<std::string> names;
    for (auto const& entry : std::filesystem::directory_iterator(dir))
        names.insert(entry.path().filename().string());
    EXPECT_EQ(names, (std::set<std::string> { "ca.pem", "ca-key.pem", "server.pem", "server-key.pem" }));
}

TEST(DevCa, ServerCertificateVerifiesAgainstCaAsTlsServer)
{
    ScratchDirectory scratch;
    DevCaFiles const files = create_or_fail(scratch.path());

    auto chain = read_certificates(files.server_certificate);
    ASSERT_EQ(chain.size(), 2u) << "server.pem must hold the leaf, then the CA";
    auto ca = read_certificate(files.ca_certificate);
    ASSERT_TRUE(ca);
    EXPECT_EQ(X509_cmp(chain[1].get(), ca.get()), 0);
    EXPECT_EQ(common_name(ca.get()), "Guichet development CA");
    EXPECT_EQ(X509_check_ca(ca.get()), 1);
    EXPECT_EQ(X509_check_ca(chain[0].get()), 0);

    int const result = verify_as_tls_server(files.ca_certificate, chain[0].get());
    EXPECT_EQ(result, X509_V_OK) << verify_error_text(result);

    // The CA itself is not a server certificate: a kiosk must not accept a
    // hub presenting it as its leaf.
    EXPECT_NE(verify_as_tls_server(files.ca_certificate, ca.get()), X509_V_OK);
}

TEST(DevCa, SubjectAltNamesCoverLoopbackAndGivenNames)
{
    ScratchDirectory scratch;
    DevCaFiles const files = create_or_fail(scratch.path(), { "hub.guichet.lan", "192.168.10.5", "fd00::5" });
    auto server = read_certificate(files.server_certificate);
    ASSERT_TRUE(server);

    EXPECT_EQ(subject_alt_names(server.get()),
        (std::set<std::string> {
            "DNS:localhost", "IP:127.0.0.1", "IP:::1", "DNS:hub.guichet.lan", "IP:192.168.10.5", "IP:fd00::5" }));
    EXPECT_EQ(common_name(server.get()), "hub.guichet.lan");
    // What the TLS stack matches against: an address is an IP entry, not a
    // DNS name that happens to contain digits.
    EXPECT_EQ(X509_check_host(server.get(), "hub.guichet.lan", 0, 0, nullptr), 1);
    EXPECT_EQ(X509_check_ip_asc(server.get(), "192.168.10.5", 0), 1);
    EXPECT_EQ(X509_check_ip_asc(server.get(), "127.0.0.1", 0), 1);
    EXPECT_NE(X509_check_host(server.get(), "192.168.10.5", 0, 0, nullptr), 1);
    EXPECT_NE(X509_check_host(server.get(), "other.guichet.lan", 0, 0, nullptr), 1);
}

TEST(DevCa, DuplicateNamesAppearOnce)
{
    ScratchDirectory scratch;
    DevCaFiles const files = create_or_fail(scratch.path(), { "LOCALHOST", "127.0.0.1", "0:0:0:0:0:0:0:1" });
    auto server = read_certificate(files.server_certificate);
    ASSERT_TRUE(server);
    EXPECT_EQ(subject_alt_names(server.get()), (std::set<std::string> { "DNS:localhost", "IP:127.0.0.1", "IP:::1" }));

    GeneralNamesPtr names(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(server.get(), NID_subject_alt_name, nullptr, nullptr)));
    ASSERT_TRUE(names);
    EXPECT_EQ(sk_GENERAL_NAME_num(names.get()), 3);
}

TEST(DevCa, CertificatesStartTwoDaysInThePast)
{
    ScratchDirectory scratch;
    DevCaFiles const files = create_or_fail(scratch.path());
    auto ca = read_certificate(files.ca_certificate);
    auto server = read_certificate(files.server_certificate);
    ASSERT_TRUE(ca && server);

    for (X509* certificate : { ca.get(), server.get() }) {
        long const age = seconds_since(X509_get0_notBefore(certificate));
        EXPECT_GT(age, 47 * 3600L) << common_name(certificate);
        EXPECT_LT(age, 49 * 3600L) << common_name(certificate);
    }
    long const server_remaining = -seconds_since(X509_get0_notAfter(server.get()));
    EXPECT_GT(server_remaining, 729 * 86400L);
    EXPECT_LT(server_remaining, 732 * 86400L);
    long const ca_remaining = -seconds_since(X509_get0_notAfter(ca.get()));
    EXPECT_GT(ca_remaining, 10 * 365 * 86400L);
    EXPECT_LT(ca_remaining, 10 * 366 * 86400L);
}

TEST(DevCa, KioskWithClockADayLateStillAcceptsServerCertificate)
{
    ScratchDirectory scratch;
    DevCaFiles const files = create_or_fail(scratch.path());
    auto server = read_certificate(files.server_certificate);
    ASSERT_TRUE(server);

    std::time_t const now = std::time(nullptr);
    int const a_day_late = verify_as_tls_server(files.ca_certificate, server.get(), now - 86400);
    EXPECT_EQ(a_day_late, X509_V_OK) << verify_error_text(a_day_late);
    // The margin is two days, not unlimited.
    EXPECT_EQ(verify_as_tls_server(files.ca_certificate, server.get(), now - 3 * 86400), X509_V_ERR_CERT_NOT_YET_VALID);
}

TEST(DevCa, ServerKeyMatchesServerCertificate)
{
    ScratchDirectory scratch;
    DevCaFiles const files = create_or_fail(scratch.path());
    auto server = read_certificate(files.server_certificate);
    auto server_key = read_private_key(files.server_key);
    auto ca_key = read_private_key(files.ca_key);
    ASSERT_TRUE(server && server_key && ca_key);

    EXPECT_EQ(X509_check_private_key(server.get(), server_key.get()), 1);
    EXPECT_EQ(X509_check_private_key(server.get(), ca_key.get()), 0);
    ERR_clear_error();
}

// [SECTION] Reuse

TEST(DevCa, SecondCallKeepsTheCaAndIssuesANewServerCertificate)
{
    ScratchDirectory scratch;
    DevCaFiles const first = create_or_fail(scratch.path());
    std::string const ca_bytes = read_bytes(first.ca_certificate);
    std::string const ca_key_bytes = read_bytes(first.ca_key);
    std::string const server_key_bytes = read_bytes(first.server_key);
    auto first_server = read_certificate(first.server_certificate);
    ASSERT_TRUE(first_server);

    DevCaFiles const second = create_or_fail(scratch.path(), { "hub.guichet.lan" });
    EXPECT_EQ(read_bytes(second.ca_certificate), ca_bytes);
    EXPECT_EQ(read_bytes(second.ca_key), ca_key_bytes);
    EXPECT_NE(read_bytes(second.server_key), server_key_bytes);
    auto second_server = read_certificate(second.server_certificate);
    ASSERT_TRUE(second_server);
    EXPECT_NE(
        ASN1_INTEGER_cmp(X509_get0_serialNumber(first_server.get()), X509_get0_serialNumber(second_server.get())), 0);
    EXPECT_EQ(subject_alt_names(second_server.get()).count("DNS:hub.guichet.lan"), 1u);
    for (X509* server : { first_server.get(), second_server.get() }) {
        BignumPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(server), nullptr));
        ASSERT_TRUE(serial);
        EXPECT_EQ(BN_num_bits(serial.get()), 128);
    }

    // A kiosk given the first ca.pem accepts the new certificate.
    int const result = verify_as_tls_server(first.ca_certificate, second_server.get());
    EXPECT_EQ(result, X509_V_OK) << verify_error_text(result);
}

TEST(DevCa, CaKeyThatDoesNotMatchIsRefusedAndNothingIsOverwritten)
{
    ScratchDirectory scratch;
    DevCaFiles const files = create_or_fail(scratch.path() / "hub");
    DevCaFiles const other = create_or_fail(scratch.path() / "other");
    std::filesystem::copy_file(other.ca_key, files.ca_key, std::filesystem::copy_options::overwrite_existing);
    std::string const ca_bytes = read_bytes(files.ca_certificate);
    std::string const server_bytes = read_bytes(files.server_certificate);

    auto result = create_dev_ca(scratch.path() / "hub", {});
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, "devca.openssl");
    EXPECT_NE(result.error().detail.find("mismatch"), std::string::npos) << result.error().detail;
    EXPECT_EQ(read_bytes(files.ca_certificate), ca_bytes);
    EXPECT_EQ(read_bytes(files.server_certificate), server_bytes);
}

TEST(DevCa, CaCertificateWithoutItsKeyIsReplaced)
{
    ScratchDirectory scratch;
    DevCaFiles const first = create_or_fail(scratch.path());
    std::string const ca_bytes = read_bytes(first.ca_certificate);
    std::filesystem::remove(first.ca_key);

    DevCaFiles const second = create_or_fail(scratch.path());
    EXPECT_NE(read_bytes(second.ca_certificate), ca_bytes);
    auto server = read_certificate(second.server_certificate);
    ASSERT_TRUE(server);
    EXPECT_EQ(verify_as_tls_server(second.ca_certificate, server.get()), X509_V_OK);
}

// [SECTION] Errors

TEST(DevCa, DirectoryThatCannotBeCreatedIsAnIoError)
{
    ScratchDirectory scratch;
    auto const regular_file = scratch.path() / "not-a-directory";
    std::ofstream(regular_file) << "x";

    auto result = create_dev_ca(regular_file / "tls", {});
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, "devca.io");
}

TEST(DevCa, NameThatIsNeitherAddressNorHostNameIsRefusedBeforeWriting)
{
    ScratchDirectory scratch;
    for (std::string const name : { "https://hub.guichet.lan/", "[::1]", "hub guichet", "", "hub..lan" }) {
        auto result = create_dev_ca(scratch.path() / "tls", { name });
        ASSERT_FALSE(result.ok()) << name;
        EXPECT_EQ(result.error().code, "devca.bad_name") << name;
    }
    EXPECT_FALSE(std::filesystem::exists(scratch.path() / "tls"));
}

// [SECTION] TLS on loopback

struct HandshakeOutcome {
    bool client_connected { false };
    long client_verify_result { X509_V_ERR_UNSPECIFIED };
    bool server_accepted { false };
    std::string received; // what the server sent once connected
};

void set_timeouts(int fd)
{
    timeval const timeout { 10, 0 };
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
}

// Serves `served` on 127.0.0.1 from a thread, as the hub would, and connects
// a client that trusts `trusted_ca` alone and expects the server to be
// `host`, as a kiosk would.
HandshakeOutcome handshake(DevCaFiles const& served, std::filesystem::path const& trusted_ca, std::string const& host)
{
    HandshakeOutcome outcome;

    SslContextPtr server_context(SSL_CTX_new(TLS_server_method()));
    if (!server_context
        || SSL_CTX_use_certificate_chain_file(server_context.get(), served.server_certificate.c_str()) != 1
        || SSL_CTX_use_PrivateKey_file(server_context.get(), served.server_key.c_str(), SSL_FILETYPE_PEM) != 1
        || SSL_CTX_check_private_key(server_context.get()) != 1) {
        ADD_FAILURE() << "server context: " << ERR_error_string(ERR_get_error(), nullptr);
        return outcome;
    }

    FileDescriptor listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t address_size = sizeof address;
    if (listener.get() < 0 || ::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0
        || ::listen(listener.get(), 1) != 0
        || ::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&address), &address_size) != 0) {
        ADD_FAILURE() << "listening socket: " << std::strerror(errno);
        return outcome;
    }
    set_timeouts(listener.get());

    std::thread server([&] {
        FileDescriptor connection(::accept(listener.get(), nullptr, nullptr));
        if (connection.get() < 0)
            return;
        set_timeouts(connection.get());
        SslPtr ssl(SSL_new(server_context.get()));
        if (!ssl || SSL_set_fd(ssl.get(), connection.get()) != 1)
            return;
        outcome.server_accepted = SSL_accept(ssl.get()) == 1;
        if (outcome.server_accepted) {
            SSL_write(ssl.get(), "bonjour", 7);
            // Waits for the client's close_notify, so that nothing is
            // written to a socket the client has closed.
            char byte;
            SSL_read(ssl.get(), &byte, 1);
        }
        // The error queue is per thread; this one's is emptied here.
        ERR_clear_error();
    });

    {
        // The client's socket is closed at the end of this block, which ends
        // the server's wait whatever happened.
        SslContextPtr client_context(SSL_CTX_new(TLS_client_method()));
        FileDescriptor connection(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        bool const client_ready = client_context
            && SSL_CTX_load_verify_locations(client_context.get(), trusted_ca.c_str(), nullptr) == 1
            && connection.get() >= 0
            && ::connect(connection.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
        if (!client_ready)
            ADD_FAILURE() << "client could not start: " << std::strerror(errno);
        if (client_ready) {
            set_timeouts(connection.get());
            SSL_CTX_set_verify(client_context.get(), SSL_VERIFY_PEER, nullptr);
            SslPtr ssl(SSL_new(client_context.get()));
            if (ssl && SSL_set_tlsext_host_name(ssl.get(), host.c_str()) == 1
                && SSL_set1_host(ssl.get(), host.c_str()) == 1 && SSL_set_fd(ssl.get(), connection.get()) == 1) {
                outcome.client_connected = SSL_connect(ssl.get()) == 1;
                outcome.client_verify_result = SSL_get_verify_result(ssl.get());
                if (outcome.client_connected) {
                    char buffer[16] = {};
                    int const count = SSL_read(ssl.get(), buffer, sizeof buffer);
                    if (count > 0)
                        outcome.received.assign(buffer, static_cast<std::size_t>(count));
                    SSL_shutdown(ssl.get());
                }
            }
        }
        ERR_clear_error();
    }
    server.join();
    return outcome;
}

TEST(DevCa, KioskTrustingCaCompletesTlsHandshakeForLocalhost)
{
    ScratchDirectory scratch;
    DevCaFiles const files = create_or_fail(scratch.path());

    HandshakeOutcome const outcome = handshake(files, files.ca_certificate, "localhost");
    EXPECT_TRUE(outcome.client_connected);
    EXPECT_EQ(outcome.client_verify_result, X509_V_OK)
        << verify_error_text(static_cast<int>(outcome.client_verify_result));
    EXPECT_TRUE(outcome.server_accepted);
    EXPECT_EQ(outcome.received, "bonjour");
}

TEST(DevCa, KioskTrustingAnotherCaRefusesTheHub)
{
    ScratchDirectory scratch;
    DevCaFiles const files = create_or_fail(scratch.path() / "hub");
    DevCaFiles const stranger = create_or_fail(scratch.path() / "stranger");

    HandshakeOutcome const outcome = handshake(files, stranger.ca_certificate, "localhost");
    EXPECT_FALSE(outcome.client_connected);
    EXPECT_FALSE(outcome.server_accepted);
    // The hub sends its CA in the chain; the kiosk must still refuse it,
    // because it is not the CA the kiosk was given.
    EXPECT_EQ(outcome.client_verify_result, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN)
        << verify_error_text(static_cast<int>(outcome.client_verify_result));
}

TEST(DevCa, KioskExpectingAnotherHostNameRefusesTheHub)
{
    ScratchDirectory scratch;
    DevCaFiles const files = create_or_fail(scratch.path());

    HandshakeOutcome const outcome = handshake(files, files.ca_certificate, "hub.elsewhere.example");
    EXPECT_FALSE(outcome.client_connected);
    EXPECT_EQ(outcome.client_verify_result, X509_V_ERR_HOSTNAME_MISMATCH)
        << verify_error_text(static_cast<int>(outcome.client_verify_result));
}

}
}
