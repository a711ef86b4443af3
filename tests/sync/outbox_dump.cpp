// outbox_dump: prints a kiosk's outbox opened with the hub's key, for test
// scripts (the kiosk itself can no longer read its dossiers once sealed).
//
//   outbox_dump DB HUB_DIR                one JSON line per dossier:
//                                         {"tracking_code": ..., "dossier": {...}}
//   outbox_dump DB HUB_DIR --field PATH   the value at a JSON pointer of each
//                                         dossier ("/answers/lieu"), as text
//   outbox_dump DB HUB_DIR --secrets      every tracking code and every leaf
//                                         value of the answers, one per line
// Exit status 1 when a dossier does not open with the hub's key.
#include "sync/hub/hub_keys.hpp"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <cstdio>
#include <string>

using namespace guichet;

namespace {

void print_leaves(nlohmann::json const& value)
{
    if (value.is_object() || value.is_array()) {
        for (auto const& item : value)
            print_leaves(item);
    } else if (value.is_string()) {
        std::printf("%s\n", value.get<std::string>().c_str());
    } else if (!value.is_null()) {
        std::printf("%s\n", value.dump().c_str());
    }
}

}

int main(int argc, char** argv)
{
    if (argc < 3) {
        std::fprintf(stderr, "usage: outbox_dump DB HUB_DIR [--field POINTER | --secrets]\n");
        return 2;
    }
    std::string mode = argc > 3 ? argv[3] : "";
    auto keys = hub::load_hub_keys(argv[2]);
    if (!keys.ok()) {
        std::fprintf(stderr, "outbox_dump: %s\n", keys.error().detail.c_str());
        return 2;
    }
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        std::fprintf(stderr, "outbox_dump: cannot open %s\n", argv[1]);
        sqlite3_close(db);
        return 2;
    }
    sqlite3_stmt* select = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT tracking_code, sealed FROM outbox ORDER BY id", -1, &select, nullptr)
        != SQLITE_OK) {
        std::fprintf(stderr, "outbox_dump: %s has no sealed outbox\n", argv[1]);
        sqlite3_close(db);
        return 2;
    }
    int status = 0;
    while (sqlite3_step(select) == SQLITE_ROW) {
        std::string code = reinterpret_cast<char const*>(sqlite3_column_text(select, 0));
        std::string sealed = reinterpret_cast<char const*>(sqlite3_column_text(select, 1));
        auto box = crypto::from_base64(sealed);
        auto opened = box.ok() ? crypto::open_sealed(box.value(), keys.value().box) : Result<std::string>(box.error());
        if (!opened.ok()) {
            std::fprintf(stderr, "outbox_dump: a dossier does not open with the hub's key\n");
            status = 1;
            continue;
        }
        auto dossier = nlohmann::json::parse(opened.value(), nullptr, false);
        if (mode == "--field" && argc > 4) {
            auto pointer = nlohmann::json::json_pointer(argv[4]);
            if (dossier.contains(pointer)) {
                auto const& value = dossier[pointer];
                // Booleans as 1 and 0, as SQLite's json_extract gives them.
                if (value.is_boolean())
                    std::printf("%d\n", value.get<bool>() ? 1 : 0);
                else
                    std::printf("%s\n", value.is_string() ? value.get<std::string>().c_str() : value.dump().c_str());
            } else {
                std::printf("\n");
            }
        } else if (mode == "--secrets") {
            std::printf("%s\n", code.c_str());
            if (dossier.contains("answers"))
                print_leaves(dossier["answers"]);
        } else {
            std::printf("%s\n", nlohmann::json { { "tracking_code", code }, { "dossier", dossier } }.dump().c_str());
        }
    }
    sqlite3_finalize(select);
    sqlite3_close(db);
    return status;
}
