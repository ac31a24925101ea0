# Writes OUTPUT, a C file holding each of FILES as a NUL-terminated char
# array named after NAMES (the report's stylesheet, script and libraries),
# so that ccsim needs no file at run time to write a self-contained report.
# Usage: cmake -DOUTPUT=... -DNAMES="a|b" -DFILES="x|y" -P embed.cmake
string(REPLACE "|" ";" NAMES "${NAMES}")
string(REPLACE "|" ";" FILES "${FILES}")
file(WRITE "${OUTPUT}" "/* Generated from the report's assets by report/embed.cmake. */\n#include <stddef.h>\n\n")
list(LENGTH NAMES count)
math(EXPR last "${count} - 1")
foreach(i RANGE ${last})
  list(GET NAMES ${i} name)
  list(GET FILES ${i} path)
  file(READ "${path}" bytes HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${bytes}")
  file(APPEND "${OUTPUT}" "const char ${name}[] = {${bytes}0x00};\nconst size_t ${name}_size = sizeof ${name} - 1;\n\n")
endforeach()
