// open_hub_store: the store named by a URL.
#include "hub_store.hpp"
#include "pg_hub_store.hpp"
#include "sqlite_hub_store.hpp"

namespace guichet::hub {

std::string_view to_wire(MediatorRole role)
{
    return role == MediatorRole::Administrator ? "administrator" : "mediator";
}

std::optional<MediatorRole> mediator_role_from_wire(std::string_view text)
{
    if (text == "administrator")
        return MediatorRole::Administrator;
    if (text == "mediator")
        return MediatorRole::Mediator;
    return std::nullopt;
}

Result<std::unique_ptr<HubStore>> open_hub_store(std::string const& url)
{
    if (url.starts_with("postgresql://") || url.starts_with("postgres://"))
        return open_pg_hub_store(url);
    if (url.starts_with("sqlite:"))
        return open_sqlite_hub_store(url.substr(7));
    if (url.empty() || url.find("://") != std::string::npos)
        return Error::make("hub.bad_store_url", "use sqlite:PATH or postgresql://...");
    return open_sqlite_hub_store(url);
}

}
