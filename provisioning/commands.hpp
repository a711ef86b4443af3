// kioskctl's commands beyond `catalogue`, each in its own file, and what
// they share.
#pragma once

#include "kiosk/core/config_files.hpp"
#include "kiosk/core/result.hpp"
#include "provisioning/selftest.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guichet::kioskctl {

// `kioskctl card ...`: arguments after "card". Returns the exit status.
int card_command(std::vector<std::string_view> const& arguments);
// `kioskctl printer ...`: arguments after "printer".
int printer_command(std::vector<std::string_view> const& arguments);
// `kioskctl enroll ...` and `kioskctl sync ...`: arguments after the command.
int enroll_command(std::vector<std::string_view> const& arguments);
int sync_command(std::vector<std::string_view> const& arguments);
// `kioskctl config get|set|unset ...`.
int config_command(std::vector<std::string_view> const& arguments);
// `kioskctl selftest [CHECK...]`.
int selftest_command(std::vector<std::string_view> const& arguments);
// `kioskctl status`, `kioskctl diag --out FILE`, `kioskctl factory-reset`.
int status_command(std::vector<std::string_view> const& arguments);
int diag_command(std::vector<std::string_view> const& arguments);
int factory_reset_command(std::vector<std::string_view> const& arguments);

// The kiosk's data folder when --data is not given: /var/lib/guichet on an
// installed kiosk (the package's), var/data in a development tree.
std::filesystem::path default_data_dir();

// Run as root on an installed kiosk, kioskctl reads and writes the kiosk's
// data as the kiosk's user, the owner of DATA: a file it creates (the
// identity, the outbox's journal, config.json) stays readable by the kiosk,
// and a check sees the devices as the kiosk does. Nothing changes when DATA
// is root's or does not exist yet.
Result<void> act_as_owner_of(std::filesystem::path const& data);

// The settings in force for the kiosk whose data is DATA.
LoadedConfig load_settings(
    std::filesystem::path const& data, std::filesystem::path const& system_config = system_config_path);

// The self-test's settings from the settings in force, and one check's
// result as JSON (selftest, status and diag share them).
provisioning::SelfTestSettings selftest_settings(std::filesystem::path const& data, LoadedConfig const& config);
nlohmann::json check_json(provisioning::CheckResult const& result);

// Runs a program and returns what it wrote on stdout (stderr is dropped),
// or nothing when it cannot be started. Never through a shell.
std::optional<std::string> capture(std::vector<std::string> const& argv);

}
