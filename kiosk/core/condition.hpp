// Display conditions and validation rules, as the catalogue states them.
//
// Conditions are structured JSON rather than an expression language: a
// collectivité's author edits them in any JSON editor, and the loader can
// point at the exact part that is wrong. Every reference to an answer is
// resolved when the catalogue loads: a condition that names an unknown field,
// a field asked later, or a choice that does not exist is a load error, never
// a surprise in front of a resident. The runner evaluates them.
#pragma once

#include <string>
#include <vector>

namespace guichet {

enum class Part;

// Which answer a condition reads.
struct FieldRef {
    std::string field; // the field's id
    Part part {}; // for the parts of an address or an identity
    // The field is a sibling in the same group item ("allergies" of this
    // child), not a top-level field.
    bool in_item { false };
};

struct Condition {
    enum class Op {
        All, // every child holds
        Any, // at least one child holds
        Not, // the only child does not hold
        Is, // the answer is values[0]
        In, // the answer is one of values
        Has, // a multiple choice includes values[0]
        Answered, // the answer is not empty
        NotAnswered,
        AgeAtLeast, // a birth date at least `number` years ago
        AgeUnder,
        AtLeast, // a number ≥ `number`
        AtMost,
    };

    Op op { Op::All };
    FieldRef ref;
    std::vector<std::string> values;
    long number { 0 };
    std::vector<Condition> children;
};

}
