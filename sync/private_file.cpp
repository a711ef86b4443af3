// Small files that hold secrets or must never be half-written: written
// through a fresh temporary file, synced, renamed, the folder synced, so
// that a power cut leaves the old file or the new one.
#include "private_file.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace guichet {

namespace {

// Paths are included: they name configuration files, never anything
// personal, and the technician needs them.
Error io_error(std::string_view step, std::filesystem::path const& path, int error)
{
    return Error::make(step == "reading" || step == "opening" ? "io.read" : "io.write",
        std::string(step) + " " + path.string() + ": " + std::error_code(error, std::generic_category()).message());
}

class FileDescriptor {
public:
    explicit FileDescriptor(int fd)
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
    // Closes now, to see the error close() may report.
    int close()
    {
        int const fd = m_fd;
        m_fd = -1;
        return ::close(fd);
    }

private:
    int m_fd;
};

}

// Writes `bytes` to `destination` through DIR/.NAME.tmp: created afresh with
// `mode`, synced, then renamed onto the destination, and the directory synced
// so that the rename itself survives a power cut.
Result<void> write_file_atomically(std::filesystem::path const& destination, std::string_view bytes, mode_t mode)
{
    std::filesystem::path const folder = destination.has_parent_path() ? destination.parent_path() : ".";
    std::filesystem::path const temporary = folder / ("." + destination.filename().string() + ".tmp");

    // A leftover from an interrupted run may have any mode; O_EXCL below then
    // guarantees the file written is the one created here, with `mode`.
    if (::unlink(temporary.c_str()) != 0 && errno != ENOENT)
        return io_error("removing", temporary, errno);
    FileDescriptor file(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    if (file.get() < 0)
        return io_error("creating", temporary, errno);

    auto fail = [&](std::string_view step, int error) -> Error {
        ::unlink(temporary.c_str());
        return io_error(step, temporary, error);
    };
    // The umask may have taken bits away from `mode`; a certificate must stay
    // readable by the hub's other processes, a key by its owner alone.
    if (::fchmod(file.get(), mode) != 0)
        return fail("setting the mode of", errno);
    for (std::size_t written = 0; written < bytes.size();) {
        ssize_t const count = ::write(file.get(), bytes.data() + written, bytes.size() - written);
        if (count < 0) {
            if (errno == EINTR)
                continue;
            return fail("writing", errno);
        }
        written += static_cast<std::size_t>(count);
    }
    if (::fsync(file.get()) != 0)
        return fail("syncing", errno);
    if (file.close() != 0)
        return fail("closing", errno);
    if (::rename(temporary.c_str(), destination.c_str()) != 0)
        return fail("renaming", errno);

    FileDescriptor directory(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (directory.get() < 0)
        return io_error("opening", folder, errno);
    if (::fsync(directory.get()) != 0)
        return io_error("syncing", folder, errno);
    return {};
}

// Reads with one buffer sized from fstat, so that a key's text is not left
// behind in the blocks a growing string would free unwiped.
Result<std::string> read_private_file(std::filesystem::path const& path)
{
    FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (file.get() < 0)
        return io_error("opening", path, errno);
    struct stat status { };
    if (::fstat(file.get(), &status) != 0)
        return io_error("reading", path, errno);
    std::string contents(static_cast<std::size_t>(status.st_size), '\0');
    std::size_t size = 0;
    while (size < contents.size()) {
        ssize_t const count = ::read(file.get(), contents.data() + size, contents.size() - size);
        if (count < 0 && errno == EINTR)
            continue;
        if (count < 0)
            return io_error("reading", path, errno);
        if (count == 0)
            break;
        size += static_cast<std::size_t>(count);
    }
    contents.resize(size);
    return contents;
}

Result<void> write_private_file(std::filesystem::path const& path, std::string_view text)
{
    return write_file_atomically(path, text, 0600);
}

}
