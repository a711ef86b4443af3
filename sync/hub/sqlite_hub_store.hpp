// The hub's store in one SQLite file (WAL, synchronous=FULL). One writer
// thread commits the writes of every caller waiting at that moment in one
// transaction, each in its own savepoint so that one failing write does not
// undo the others; reads go through a small pool of connections and never
// wait for the writer (WAL readers see the last commit).
#pragma once

#include "hub_store.hpp"

#include <filesystem>

namespace guichet::hub {

Result<std::unique_ptr<HubStore>> open_sqlite_hub_store(std::filesystem::path const& path);

}
