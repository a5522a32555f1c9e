# daxcheck_add_port(FILE... [BASE VARIANT] [TARGET NAME]): a daxcheck binary
# (target NAME, default `daxcheck`) with every in-tree variant and the
# variants of the given out-of-tree port files registered, as
# `./daxcheck --port FILE` builds it. BASE is the variant a port that names no
# .base of its own inherits its fault path from and is compared with by
# `--base` (docs/contract.md). Comes with find_package(daxcheck).
include(${CMAKE_CURRENT_LIST_DIR}/port_build.cmake)

function(daxcheck_add_port)
  cmake_parse_arguments(arg "" "BASE;TARGET" "" ${ARGN})
  if(NOT arg_TARGET)
    set(arg_TARGET daxcheck)
  endif()
  if(NOT arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "daxcheck_add_port: no port file given")
  endif()
  if(arg_BASE AND NOT arg_BASE MATCHES "^[A-Za-z0-9.+_-]+$")
    message(FATAL_ERROR "daxcheck_add_port: BASE '${arg_BASE}' is not a variant name")
  endif()
  set(DAXCHECK_SHIM_TARGET daxcheck::shim)
  set(ports ${arg_TARGET}_port_objects)
  add_library(${ports} INTERFACE)
  # The same files in the concurrency build, so that `race` (and replay of a
  # race: file) runs the port too.
  set(race_ports ${arg_TARGET}_race_port_objects)
  add_library(${race_ports} INTERFACE)
  set(n 0)
  foreach(file IN LISTS arg_UNPARSED_ARGUMENTS)
    get_filename_component(path "${file}" ABSOLUTE)
    daxcheck_port_file_check(daxcheck_add_port "${file}" "${path}")
    math(EXPR n "${n} + 1")
    daxcheck_port_matrix(${ports} "${path}" port_${n} DAXCHECK_PORT_FILE="${path}"
                         DAXCHECK_PORT_BASE="${arg_BASE}")
    daxcheck_port_races("${path}" races)
    if(races)
      daxcheck_port_matrix(${race_ports} "${path}" race_port_${n} DAXCHECK_PORT_FILE="${path}"
                           DAXCHECK_PORT_BASE="${arg_BASE}" ${DAXCHECK_RACE_DEFINITIONS})
    endif()
  endforeach()
  # main() comes from daxcheck::main; every in-tree port's registration from
  # the whole daxcheck::ports archive.
  set(stub "${CMAKE_CURRENT_BINARY_DIR}/${arg_TARGET}_ports.cpp")
  # The marker makes printed commands name this binary, not ./daxcheck --port
  # (cli/run_command.h, daxcheck_prefix).
  file(WRITE "${stub}" "// the port objects are linked in through ${ports}\n"
                       "extern \"C\" const bool daxcheck_add_port_binary = true;\n")
  add_executable(${arg_TARGET} "${stub}")
  target_link_libraries(${arg_TARGET} PRIVATE ${ports} ${race_ports} daxcheck::main
                        "$<LINK_LIBRARY:WHOLE_ARCHIVE,daxcheck::ports>"
                        "$<LINK_LIBRARY:WHOLE_ARCHIVE,daxcheck::race_ports>" daxcheck::core)
endfunction()
