// Each property file defines one factory; catalog.cpp lists them in order.
#pragma once

#include "properties/property.h"

namespace daxcheck {

Property refinement_property();
Property no_spurious_warn_property();

}  // namespace daxcheck
