#include "sql/lexer.h"

#include "common/strings.h"

namespace sluice::sql {
namespace {

bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  std::vector<Token> Run() {
    std::vector<Token> tokens;
    while (true) {
      SkipSpaceAndComments(&tokens);
      if (!tokens.empty() && tokens.back().kind == TokenKind::kError && stop_) break;
      if (pos_ >= text_.size()) break;
      tokens.push_back(Lex());
      if (stop_) break;
    }
    Token end;
    end.kind = TokenKind::kEnd;
    end.location = Here();
    end.begin = end.end = text_.size();
    tokens.push_back(std::move(end));
    return tokens;
  }

 private:
  Location Here() const { return {line_, static_cast<int>(pos_ - line_start_) + 1}; }

  void Advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
    ++pos_;
  }
  char PeekChar(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }

  Token MakeToken(TokenKind kind, size_t begin, Location location, std::string value) const {
    Token token;
    token.kind = kind;
    token.text = std::string(text_.substr(begin, pos_ - begin));
    token.value = std::move(value);
    token.location = location;
    token.begin = begin;
    token.end = pos_;
    return token;
  }

  Token ErrorToken(size_t begin, Location location, std::string message) {
    Token token = MakeToken(TokenKind::kError, begin, location, std::move(message));
    return token;
  }

  void SkipSpaceAndComments(std::vector<Token>* tokens) {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        Advance();
      } else if (c == '-' && PeekChar(1) == '-') {
        while (pos_ < text_.size() && text_[pos_] != '\n') Advance();
      } else if (c == '/' && PeekChar(1) == '*') {
        size_t begin = pos_;
        Location location = Here();
        Advance();
        Advance();
        bool closed = false;
        while (pos_ < text_.size()) {
          if (text_[pos_] == '*' && PeekChar(1) == '/') {
            Advance();
            Advance();
            closed = true;
            break;
          }
          Advance();
        }
        if (!closed) {
          tokens->push_back(ErrorToken(begin, location, "unterminated block comment"));
          stop_ = true;
          return;
        }
      } else {
        return;
      }
    }
  }

  // A quoted run ('...', "...", `...`) with the quote doubled as its escape.
  Token LexQuoted(char quote, TokenKind kind, const char* what) {
    size_t begin = pos_;
    Location location = Here();
    Advance();
    std::string value;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (quote == '\'' && c == '\\' && pos_ + 1 < text_.size()) {
        // A backslash escapes the next character (Spark); the parser unescapes the literal.
        value.push_back(c);
        Advance();
        value.push_back(text_[pos_]);
        Advance();
        continue;
      }
      if (c == quote) {
        if (PeekChar(1) == quote) {
          value.push_back(quote);
          Advance();
          Advance();
          continue;
        }
        Advance();
        return MakeToken(kind, begin, location, std::move(value));
      }
      value.push_back(c);
      Advance();
    }
    stop_ = true;
    return ErrorToken(begin, location, std::string("unterminated ") + what);
  }

  Token LexNumber() {
    size_t begin = pos_;
    Location location = Here();
    bool decimal = false;
    while (IsDigit(PeekChar())) Advance();
    if (PeekChar() == '.' && (IsDigit(PeekChar(1)) || pos_ > begin)) {
      decimal = true;
      Advance();
      while (IsDigit(PeekChar())) Advance();
    }
    if ((PeekChar() == 'e' || PeekChar() == 'E') &&
        (IsDigit(PeekChar(1)) ||
         ((PeekChar(1) == '+' || PeekChar(1) == '-') && IsDigit(PeekChar(2))))) {
      decimal = true;
      Advance();
      if (PeekChar() == '+' || PeekChar() == '-') Advance();
      while (IsDigit(PeekChar())) Advance();
    }
    std::string value(text_.substr(begin, pos_ - begin));
    return MakeToken(decimal ? TokenKind::kDecimal : TokenKind::kInteger, begin, location,
                     std::move(value));
  }

  Token Lex() {
    char c = text_[pos_];
    size_t begin = pos_;
    Location location = Here();
    if (IsIdentStart(c)) {
      while (pos_ < text_.size() && IsIdentChar(text_[pos_])) Advance();
      return MakeToken(TokenKind::kIdentifier, begin, location,
                       std::string(text_.substr(begin, pos_ - begin)));
    }
    if (IsDigit(c) || (c == '.' && IsDigit(PeekChar(1)))) return LexNumber();
    if (c == '\'') return LexQuoted('\'', TokenKind::kString, "string literal");
    if (c == '"') return LexQuoted('"', TokenKind::kQuotedIdentifier, "quoted identifier");
    if (c == '`') return LexQuoted('`', TokenKind::kQuotedIdentifier, "quoted identifier");

    static constexpr std::string_view kTwoChar[] = {"==", "<>", "!=", "<=", ">=", "||", "::"};
    for (std::string_view op : kTwoChar) {
      if (c == op[0] && PeekChar(1) == op[1]) {
        Advance();
        Advance();
        return MakeToken(TokenKind::kOperator, begin, location, std::string(op));
      }
    }
    static constexpr std::string_view kOneChar = "(),;.*+-/%=<>:[]";
    if (kOneChar.find(c) != std::string_view::npos) {
      Advance();
      return MakeToken(TokenKind::kOperator, begin, location, std::string(1, c));
    }
    Advance();
    // Swallow the rest of a multi-byte UTF-8 character so the message shows all of it.
    while (pos_ < text_.size() && (static_cast<unsigned char>(text_[pos_]) & 0xC0) == 0x80) {
      Advance();
    }
    return ErrorToken(
        begin, location,
        "unexpected character '" + std::string(text_.substr(begin, pos_ - begin)) + "'");
  }

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
  bool stop_ = false;
};

}  // namespace

std::vector<Token> Tokenize(std::string_view text) { return Lexer(text).Run(); }

bool IsKeyword(const Token& token, std::string_view keyword) {
  return token.kind == TokenKind::kIdentifier && EqualsIgnoreCase(token.text, keyword);
}

}  // namespace sluice::sql
