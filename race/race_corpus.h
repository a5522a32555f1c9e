// A `race:` corpus file (engines/corpus_file.h CorpusRace): written from a
// failure, and replayed against each `expect:` variant.
#pragma once

#include <optional>
#include <string>

#include "engines/corpus_file.h"
#include "race/race.h"

namespace daxcheck::race {

// The prefix state and the pair of a race file for `v`; nullopt with `error`
// set when the file's operations do not run there (an illegal pair, no
// fault path), and `error_line` (when given) to the file's line it is about
// (the race: line), 0 when it is about the variant. `error` names no line.
std::optional<Prefix> prefix_of(const Variant& v, const CorpusFile& f, std::string& error,
                                int* error_line = nullptr);

// The variant whose interleaving a race file's `schedule:` line records: the
// first `expect:` line's (the one variant --save-failures writes).
const std::string& recorded_variant(const CorpusFile& f);

// Why `f`'s schedule is not a run of its pair on `v` from `p`, every step of
// it, each naming an operation that can run there ("step 6 names A (...),
// which has finished by then"; it names neither line nor variant); nullopt
// when it is.
std::optional<std::string> schedule_error(const Variant& v, const CorpusFile& f, const Prefix& p);

// A race file's verdict for `v`: the failure of its recorded interleaving
// (when the schedule is a run on `v`: on another variant's code it names no
// interleaving), else of any interleaving of its pair (every one is run),
// else nullopt.
std::optional<RaceFailure> replay_race(const Variant& v, const CorpusFile& f, const Prefix& p,
                                       const RaceOptions& options);

// The corpus file that records `failure` of `v` (expect: v fail).
CorpusFile race_corpus_file(const Variant& v, const model::Universe& u, bool fs_level,
                            const RaceFailure& failure, const std::string& shows);

}  // namespace daxcheck::race
