// kioskctl's commands beyond `catalogue`, each in its own file.
#pragma once

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

}
