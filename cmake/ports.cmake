# One object file per variant. The v10 port is compiled once per bug toggle
# combination, as a kernel would be built with different CONFIG_ options.
function(daxcheck_v10_variant name summary)
  set(target port_${name})
  string(REPLACE "." "_" target ${target})
  string(REPLACE "-" "_" target ${target})
  add_library(${target} OBJECT impl/v10.cpp)
  target_link_libraries(${target} PRIVATE daxcheck_shim)
  target_compile_definitions(${target} PRIVATE
    V10_VARIANT_NAME="${name}" V10_VARIANT_SUMMARY="${summary}" ${ARGN})
  target_sources(daxcheck_ports INTERFACE $<TARGET_OBJECTS:${target}>)
endfunction()

daxcheck_v10_variant(v10 "v10 as posted (= v11): bugs byvalue, inverted, postdec"
  CONFIG_V10_BUG_BYVALUE=1 CONFIG_V10_BUG_INVERTED=1 CONFIG_V10_BUG_POSTDEC=1)
daxcheck_v10_variant(v10-only-byvalue "v10 with only the byvalue bug"
  CONFIG_V10_BUG_BYVALUE=1)
daxcheck_v10_variant(v10-only-inverted "v10 with only the inverted bug"
  CONFIG_V10_BUG_INVERTED=1)
daxcheck_v10_variant(v10-only-postdec "v10 with only the postdec bug"
  CONFIG_V10_BUG_POSTDEC=1)
daxcheck_v10_variant(v10-fixed "v10 with all three bugs fixed"
  )

# A port that is one upstream version: one source file, compiled once.
function(daxcheck_port source)
  get_filename_component(target ${source} NAME_WE)
  set(target port_${target})
  add_library(${target} OBJECT ${source})
  target_link_libraries(${target} PRIVATE daxcheck_shim)
  target_sources(daxcheck_ports INTERFACE $<TARGET_OBJECTS:${target}>)
endfunction()

daxcheck_port(impl/pre_reflink.cpp)
daxcheck_port(impl/v12.cpp)
daxcheck_port(impl/v6_0.cpp)
daxcheck_port(impl/v6_2.cpp)
daxcheck_port(impl/v6_15.cpp)

# Builds each out-of-tree port file into `interface` (see README "Check your
# own patch"). A missing file stops the configure with its name.
function(daxcheck_extra_ports interface files)
  set(n 0)
  foreach(file IN LISTS files)
    get_filename_component(path "${file}" ABSOLUTE)
    if(NOT EXISTS "${path}")
      message(FATAL_ERROR "DAXCHECK_EXTRA_VARIANTS: no such file: ${file}")
    endif()
    math(EXPR n "${n} + 1")
    add_library(${interface}_extra_${n} OBJECT "${path}")
    target_link_libraries(${interface}_extra_${n} PRIVATE daxcheck_shim)
    # Reproduce lines of its variants say --port FILE (impl/variant.h).
    target_compile_definitions(${interface}_extra_${n} PRIVATE DAXCHECK_PORT_FILE="${path}")
    target_sources(${interface} INTERFACE $<TARGET_OBJECTS:${interface}_extra_${n}>)
  endforeach()
endfunction()
