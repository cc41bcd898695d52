# Run as a script (cmake -DOUTPUT=... -DFILES="a;b" -P ...): writes a C++
# source holding each file's bytes, for ShippedDictionaryFiles().
set(arrays "")
set(entries "")
set(index 0)
string(REPLACE "|" ";" FILES "${FILES}")
foreach(file IN LISTS FILES)
  file(READ "${file}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "((0x..,){24})" "\\1\n" bytes "${bytes}")
  get_filename_component(name "${file}" NAME)
  string(APPEND arrays "alignas(8) const unsigned char kFile${index}[] = {\n${bytes}};\n")
  string(APPEND entries "      {\"${name}\", kFile${index}, sizeof(kFile${index})},\n")
  math(EXPR index "${index} + 1")
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from services/progress/data/packing; do not edit.
#include \"services/progress/store/store_dictionaries.h\"

namespace osteoflow::progress {
namespace {
${arrays}}  // namespace

absl::Span<const ShippedDictionaryFile> ShippedDictionaryFiles() {
  static const ShippedDictionaryFile files[] = {
${entries}      {nullptr, nullptr, 0}};
  // The last entry only keeps the array from being empty.
  return absl::MakeConstSpan(files, sizeof(files) / sizeof(files[0]) - 1);
}

}  // namespace osteoflow::progress
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
