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

// A race file's verdict for `v`: the failure of its recorded interleaving,
// else of any interleaving of its pair (every one is run), else nullopt.
std::optional<RaceFailure> replay_race(const Variant& v, const CorpusFile& f, const Prefix& p,
                                       const RaceOptions& options);

// The corpus file that records `failure` of `v` (expect: v fail).
CorpusFile race_corpus_file(const Variant& v, const model::Universe& u, bool fs_level,
                            const RaceFailure& failure, const std::string& shows);

}  // namespace daxcheck::race
