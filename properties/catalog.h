// Each property file defines one factory; catalog.cpp lists them in order.
#pragma once

#include "properties/property.h"

namespace daxcheck {

Property refinement_property();
Property no_spurious_warn_property();
Property pin_warning_property();
Property drain_property();
Property order_independence_property();
Property misuse_detected_property();

}  // namespace daxcheck
