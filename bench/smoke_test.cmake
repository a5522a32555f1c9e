# cmake -DBENCH=daxcheck_bench -DOUT=file.json -P smoke_test.cmake
file(REMOVE "${OUT}")
execute_process(COMMAND "${BENCH}" --quick --section raw --json "${OUT}" RESULT_VARIABLE rc
                OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "daxcheck_bench --quick --section raw exited ${rc}")
endif()
file(READ "${OUT}" doc)
string(JSON ratio ERROR_VARIABLE err GET "${doc}" sections raw ratio)
if(err)
  message(FATAL_ERROR "bench JSON: ${err}")
endif()
string(JSON rss GET "${doc}" sections raw peak_rss_kb)
if(NOT rss GREATER 0)
  message(FATAL_ERROR "bench JSON: no peak memory for the raw section")
endif()
message(STATUS "raw section: harness / port cost ${ratio}, peak ${rss} kB")
# Its flags are checked as daxcheck's are: strtod read --seconds 0x10 as 16.
execute_process(COMMAND "${BENCH}" --seconds 0x10 --section raw RESULT_VARIABLE rc
                OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "--seconds: '0x10' is not a decimal number")
  message(FATAL_ERROR "daxcheck_bench --seconds 0x10: exit ${rc}, ${err}")
endif()
