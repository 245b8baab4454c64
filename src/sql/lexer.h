// Lexer for the pipeline language: turns the text into tokens with byte offsets and line:col
// positions. Lexical errors become kError tokens (carrying the message) so the parser reports
// them in source order, together with its own errors.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sql/ast.h"

namespace sluice::sql {

enum class TokenKind {
  kIdentifier,        // unquoted: names and keywords (value = text as written)
  kQuotedIdentifier,  // "name" or `name` (value = unescaped name)
  kString,            // 'text' (value = unescaped text)
  kInteger,           // 123 (value = digits)
  kDecimal,           // 1.5, .5, 1e10 (value = text)
  kOperator,          // ( ) , ; . * + - / % = == <> != < <= > >= || : :: [ ]
  kError,             // a lexical error; value = the message
  kEnd,               // end of input
};

/// One token. `begin`/`end` are byte offsets into the text ([begin, end)).
struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;   // the raw source text
  std::string value;  // see TokenKind
  Location location;
  size_t begin = 0;
  size_t end = 0;
};

/// Splits `text` into tokens. The last token is always kEnd (positioned after the last
/// character). After an unterminated string, quoted identifier or block comment the kError token
/// is followed directly by kEnd.
std::vector<Token> Tokenize(std::string_view text);

/// True if `token` is the unquoted identifier `keyword` (case-insensitive).
bool IsKeyword(const Token& token, std::string_view keyword);

}  // namespace sluice::sql
