// WeChat's published test vectors (its documentation's examples): the keys,
// app id and encrypted message that several WeChat tests check against.
#pragma once

#include <string_view>

namespace routerd::adapters::wechat::testing {

inline constexpr std::string_view kW4Key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
inline constexpr std::string_view kW4AppId = "wxb11529c136998cb6";
inline constexpr std::string_view kW4Encrypt =
    "rTNFcsut4LfGuAFKEUVVpwcaCOTJzOd9twZdIW910jb3k+iicx2uvhttIZ3Qg9Qgty3BEF2xbOrz6boTfb30dMomcgrkTqdFPwnhqbk+"
    "kIQ7rZiwny9D7NUrTgA5kpX3KsZvrXzUZyP2x9YOlxbgm572lmxKvM7HAQQhIQ/p6HBmoY30bGXFK0BtIu1pW9TjhOYrLQoU18nWYjWqDA1y"
    "nkmOytpv7QRI1P1+0NoxL0q2zO1DgeSvnE8CZGo/o5Ap/WHK5W2RAsinpzN4/LjPnmB6U01I5XCoJoC0GK/yMZycd2Oh8Nq6+wBkC1U85oy0"
    "ktOY4nLvsQMLrourmMGdZHuTbqpeJ8Ao/5PRYJ+WBvRUwPfGKBL2+2IKZF49vAJqkcGWSHGE76ZN2erXeuNazf/o9o3lIE3q739o4c8t9QGP"
    "e31GT2Go/rOz1BsrASwvauNulCh+++yz+CQzBIuikA==";
inline constexpr std::string_view kW5Key = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";

}  // namespace routerd::adapters::wechat::testing
