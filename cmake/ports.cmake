# One object library per variant build. A port file is compiled once per
# kernel configuration it lists on a line of its own
#     // daxcheck-configs: DEBUG_VM
# once with every listed option off and once per combination of them on
# (CONFIG_DEBUG_VM=1 and so on), as a kernel is built under different
# .config files; each build registers its variants with the suffix
# "+debug_vm" (DAXCHECK_VARIANT_SUFFIX, impl/variant.h). The v10 port is
# compiled once per bug toggle combination the same way.

include(${CMAKE_CURRENT_LIST_DIR}/port_build.cmake)
set(DAXCHECK_SHIM_TARGET daxcheck_shim)

function(daxcheck_v10_variant interface name summary)
  daxcheck_port_build(${interface} impl/v10.cpp port_${name}
    V10_VARIANT_NAME="${name}" V10_VARIANT_SUMMARY="${summary}" ${ARGN})
endfunction()

# A port that is one upstream version: one source file, built under its
# configuration matrix.
function(daxcheck_port interface source)
  get_filename_component(name ${source} NAME_WE)
  daxcheck_port_matrix(${interface} "${PROJECT_SOURCE_DIR}/${source}" port_${name} ${ARGN})
endfunction()

# Every in-tree variant into `interface`, each compiled with the definitions
# in ARGN too (the concurrency build's, cmake/race.cmake).
function(daxcheck_in_tree_ports interface)
  daxcheck_v10_variant(${interface} v10 "v10 as posted (= v11): bugs byvalue, inverted, postdec"
    CONFIG_V10_BUG_BYVALUE=1 CONFIG_V10_BUG_INVERTED=1 CONFIG_V10_BUG_POSTDEC=1 ${ARGN})
  daxcheck_v10_variant(${interface} v10-only-byvalue "v10 with only the byvalue bug"
    CONFIG_V10_BUG_BYVALUE=1 ${ARGN})
  daxcheck_v10_variant(${interface} v10-only-inverted "v10 with only the inverted bug"
    CONFIG_V10_BUG_INVERTED=1 ${ARGN})
  daxcheck_v10_variant(${interface} v10-only-postdec "v10 with only the postdec bug"
    CONFIG_V10_BUG_POSTDEC=1 ${ARGN})
  daxcheck_v10_variant(${interface} v10-fixed "v10 with all three bugs fixed" ${ARGN})
  foreach(source impl/pre_reflink.cpp impl/v12.cpp impl/v6_0.cpp impl/v6_2.cpp impl/v6_15.cpp
                 impl/v7_1.cpp impl/v7_2.cpp)
    daxcheck_port(${interface} ${source} ${ARGN})
  endforeach()
endfunction()

daxcheck_in_tree_ports(daxcheck_ports)

# Builds each out-of-tree port file into `interface` under its configuration
# matrix (see README "Check your own patch"), with the definitions in ARGN
# too. A missing or empty file stops the configure with its name.
function(daxcheck_extra_ports interface files)
  set(n 0)
  foreach(file IN LISTS files)
    get_filename_component(path "${file}" ABSOLUTE)
    daxcheck_port_file_check(DAXCHECK_EXTRA_VARIANTS "${file}" "${path}")
    math(EXPR n "${n} + 1")
    # Reproduce lines of its variants say --port FILE (impl/variant.h).
    daxcheck_port_matrix(${interface} "${path}" extra_${n} DAXCHECK_PORT_FILE="${path}" ${ARGN})
  endforeach()
endfunction()
