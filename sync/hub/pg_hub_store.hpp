// The hub's store in a PostgreSQL database, for a fleet: several hubs may
// share one database. One writer thread commits the writes of every caller
// waiting at that moment in one transaction, each in its own savepoint so
// that one failing write does not undo the others; reads go through a small
// pool of connections and never wait for the writer. A connection the
// server closed (a restart) is replaced on its next use.
#pragma once

#include "hub_store.hpp"

#include <string>

namespace guichet::hub {

// `url`: a libpq URI, "postgresql://..." or "postgres://...". Creates the
// schema when it is missing.
Result<std::unique_ptr<HubStore>> open_pg_hub_store(std::string const& url);

}
