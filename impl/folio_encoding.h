// The per-folio encoding of 6.15 and later, as the harness reads it: decode
// (SPEC 4) and where references count (SPEC 9). Shared by every port of that
// family (impl/v6_15.cpp, impl/v7_1.cpp, impl/v7_2.cpp and test ports): their
// fields mean the same; only the kernel functions that write them differ.
#pragma once

#include "impl/variant.h"

namespace daxcheck {

// Free, Owned(file, folio->index + position in the folio) or Shared(share)
// from the head of pfn's folio: folio->mapping is a file's mapping (one
// owner), or NULL with folio->share != 0 (shared), or NULL with share 0 and an
// order-0 page with its device's pgmap (free).
Decoded decode_folio_encoding(unsigned long pfn);

// A page's references count on its folio: the head's count, for every page
// of the folio.
RefcountView folio_refcount(unsigned long pfn);

}  // namespace daxcheck
