// The median and the 95th percentile (nearest rank) of a benchmark's
// samples, as every bench prints them.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace guichet::bench {

struct Spread {
    double median { 0 };
    double p95 { 0 };
};

inline Spread spread_of(std::vector<double> values)
{
    if (values.empty())
        return {};
    std::sort(values.begin(), values.end());
    auto rank = static_cast<std::size_t>(std::ceil(0.95 * static_cast<double>(values.size())));
    return { values[values.size() / 2], values[std::max<std::size_t>(rank, 1) - 1] };
}

}
