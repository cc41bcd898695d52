#include "services/screening/domain/condition.h"

#include <cctype>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace osteoflow::screening {

enum class Op { kLess, kLessEqual, kGreater, kGreaterEqual, kEqual, kNotEqual };

struct Condition::Node {
  enum class Kind { kConstant, kFlag, kCompare, kAnd, kOr, kNot };
  Kind kind = Kind::kConstant;
  bool constant = false;
  Fact fact = Fact::kCount;
  Op op = Op::kEqual;
  double literal = 0;
  std::vector<std::shared_ptr<const Node>> children;
};

namespace {

using Node = Condition::Node;
using NodePtr = std::shared_ptr<const Node>;

struct Token {
  enum class Kind { kWord, kNumber, kOperator, kOpen, kClose, kEnd };
  Kind kind = Kind::kEnd;
  std::string text;
  size_t position = 0;
};

absl::Status ErrorAt(size_t position, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("at character ", position + 1, ": ", why));
}

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

absl::StatusOr<std::vector<Token>> Tokenize(absl::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      ++i;
      continue;
    }
    Token token;
    token.position = i;
    if (c == '(' || c == ')') {
      token.kind = c == '(' ? Token::Kind::kOpen : Token::Kind::kClose;
      token.text = std::string(1, c);
      ++i;
    } else if (c == '<' || c == '>' || c == '=' || c == '!') {
      const bool two = i + 1 < text.size() && text[i + 1] == '=';
      token.kind = Token::Kind::kOperator;
      token.text = std::string(text.substr(i, two ? 2 : 1));
      if (token.text == "=" || token.text == "!") {
        return ErrorAt(i, absl::StrCat("unknown operator '", token.text, "' (use == or !=)"));
      }
      i += two ? 2 : 1;
    } else if (std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.') {
      size_t end = i + 1;
      while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) != 0 ||
                                   text[end] == '.')) {
        ++end;
      }
      token.kind = Token::Kind::kNumber;
      token.text = std::string(text.substr(i, end - i));
      i = end;
    } else if (IsWordChar(c)) {
      size_t end = i + 1;
      while (end < text.size() && IsWordChar(text[end])) ++end;
      token.kind = Token::Kind::kWord;
      token.text = std::string(text.substr(i, end - i));
      i = end;
    } else {
      return ErrorAt(i, absl::StrCat("unexpected character '", std::string(1, c), "'"));
    }
    tokens.push_back(std::move(token));
  }
  Token end;
  end.position = text.size();
  tokens.push_back(end);
  return tokens;
}

absl::StatusOr<Op> ParseOp(const Token& token) {
  if (token.text == "<") return Op::kLess;
  if (token.text == "<=") return Op::kLessEqual;
  if (token.text == ">") return Op::kGreater;
  if (token.text == ">=") return Op::kGreaterEqual;
  if (token.text == "==") return Op::kEqual;
  if (token.text == "!=") return Op::kNotEqual;
  return ErrorAt(token.position, absl::StrCat("unknown operator '", token.text, "'"));
}

// Recursive descent over the token list; one method per grammar level.
class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  absl::StatusOr<NodePtr> Parse() {
    absl::StatusOr<NodePtr> root = ParseOr();
    if (!root.ok()) return root;
    if (Peek().kind != Token::Kind::kEnd) {
      return ErrorAt(Peek().position, absl::StrCat("unexpected '", Peek().text, "'"));
    }
    return root;
  }

  std::vector<Fact> TakeFactsRead() { return std::move(facts_read_); }

 private:
  const Token& Peek() const { return tokens_[next_]; }
  const Token& Take() { return tokens_[next_ < tokens_.size() - 1 ? next_++ : next_]; }
  bool TakeWord(absl::string_view word) {
    if (Peek().kind != Token::Kind::kWord || Peek().text != word) return false;
    ++next_;
    return true;
  }

  absl::StatusOr<NodePtr> ParseList(Node::Kind kind, absl::string_view keyword,
                                    absl::StatusOr<NodePtr> (Parser::*operand)()) {
    absl::StatusOr<NodePtr> first = (this->*operand)();
    if (!first.ok() || Peek().text != keyword) return first;
    auto node = std::make_shared<Node>();
    node->kind = kind;
    node->children.push_back(*first);
    while (TakeWord(keyword)) {
      absl::StatusOr<NodePtr> next = (this->*operand)();
      if (!next.ok()) return next;
      node->children.push_back(*next);
    }
    return node;
  }

  absl::StatusOr<NodePtr> ParseOr() { return ParseList(Node::Kind::kOr, "or", &Parser::ParseAnd); }
  absl::StatusOr<NodePtr> ParseAnd() {
    return ParseList(Node::Kind::kAnd, "and", &Parser::ParseUnary);
  }

  absl::StatusOr<NodePtr> ParseUnary() {
    const size_t at = Peek().position;
    if (!TakeWord("not")) return ParsePrimary();
    if (++depth_ > kMaxDepth) return ErrorAt(at, "nested too deeply");
    const size_t facts_before = facts_read_.size();
    absl::StatusOr<NodePtr> operand = ParseUnary();
    --depth_;
    if (!operand.ok()) return operand;
    // A comparison with an absent value is false, so "not" of it would be
    // true for an intake that never gave the value: a trap for a reviewer.
    for (size_t i = facts_before; i < facts_read_.size(); ++i) {
      const FactDefinition& fact = DefinitionOf(facts_read_[i]);
      if (fact.may_be_absent) {
        return ErrorAt(at, absl::StrCat("'not' over '", fact.name,
                                        "', which an intake may leave out: write the opposite "
                                        "comparison instead"));
      }
    }
    auto node = std::make_shared<Node>();
    node->kind = Node::Kind::kNot;
    node->children.push_back(*operand);
    return node;
  }

  absl::StatusOr<NodePtr> ParsePrimary() {
    const Token& token = Take();
    if (token.kind == Token::Kind::kOpen) {
      if (++depth_ > kMaxDepth) return ErrorAt(token.position, "nested too deeply");
      absl::StatusOr<NodePtr> inner = ParseOr();
      --depth_;
      if (!inner.ok()) return inner;
      if (Take().kind != Token::Kind::kClose) return ErrorAt(token.position, "unclosed '('");
      return inner;
    }
    if (token.kind != Token::Kind::kWord) {
      return ErrorAt(token.position, token.kind == Token::Kind::kEnd
                                         ? "condition ends too early"
                                         : absl::StrCat("expected a fact, found '", token.text, "'"));
    }
    if (token.text == "true" || token.text == "false") {
      auto node = std::make_shared<Node>();
      node->constant = token.text == "true";
      return node;
    }
    const FactDefinition* fact = FindFact(token.text);
    if (fact == nullptr) return ErrorAt(token.position, absl::StrCat("unknown fact '", token.text, "'"));
    facts_read_.push_back(fact->fact);
    if (Peek().kind != Token::Kind::kOperator) {
      if (fact->type != FactType::kFlag) {
        return ErrorAt(token.position, absl::StrCat("'", token.text, "' needs a comparison"));
      }
      auto node = std::make_shared<Node>();
      node->kind = Node::Kind::kFlag;
      node->fact = fact->fact;
      return node;
    }
    return ParseComparison(*fact);
  }

  absl::StatusOr<NodePtr> ParseComparison(const FactDefinition& fact) {
    const Token& op_token = Take();
    absl::StatusOr<Op> op = ParseOp(op_token);
    if (!op.ok()) return op.status();
    const Token& literal = Take();
    auto node = std::make_shared<Node>();
    node->kind = Node::Kind::kCompare;
    node->fact = fact.fact;
    node->op = *op;
    const bool equality = *op == Op::kEqual || *op == Op::kNotEqual;
    switch (fact.type) {
      case FactType::kNumber:
        if (literal.kind != Token::Kind::kNumber || !absl::SimpleAtod(literal.text, &node->literal)) {
          return ErrorAt(literal.position, absl::StrCat("'", fact.name, "' compares with a number"));
        }
        return node;
      case FactType::kFlag:
        if (!equality || (literal.text != "true" && literal.text != "false")) {
          return ErrorAt(op_token.position,
                         absl::StrCat("'", fact.name, "' is yes/no: use it alone, or == true/false"));
        }
        node->literal = literal.text == "true" ? 1.0 : 0.0;
        return node;
      case FactType::kSymbol: {
        std::optional<int> value = SymbolValue(fact, literal.text);
        if (!equality || !value.has_value()) {
          return ErrorAt(literal.position, absl::StrCat("'", fact.name, "' takes == or != with one of ",
                                                        fact.symbols->full_name(), " without ",
                                                        fact.symbol_prefix));
        }
        node->literal = *value;
        return node;
      }
    }
    return ErrorAt(literal.position, "unknown fact type");
  }

  // Deep enough for any rule a person writes; bounded so that a broken file
  // is refused rather than overflowing the stack.
  static constexpr int kMaxDepth = 32;

  std::vector<Token> tokens_;
  size_t next_ = 0;
  int depth_ = 0;
  std::vector<Fact> facts_read_;
};

bool Compare(double value, Op op, double literal) {
  switch (op) {
    case Op::kLess:
      return value < literal;
    case Op::kLessEqual:
      return value <= literal;
    case Op::kGreater:
      return value > literal;
    case Op::kGreaterEqual:
      return value >= literal;
    case Op::kEqual:
      return value == literal;
    case Op::kNotEqual:
      return value != literal;
  }
  return false;
}

bool EvaluateNode(const Node& node, const FactValues& facts) {
  switch (node.kind) {
    case Node::Kind::kConstant:
      return node.constant;
    case Node::Kind::kFlag:
      return facts.Flag(node.fact);
    case Node::Kind::kCompare: {
      const std::optional<double> value = facts.Get(node.fact);
      return value.has_value() && Compare(*value, node.op, node.literal);
    }
    case Node::Kind::kAnd:
      for (const NodePtr& child : node.children) {
        if (!EvaluateNode(*child, facts)) return false;
      }
      return true;
    case Node::Kind::kOr:
      for (const NodePtr& child : node.children) {
        if (EvaluateNode(*child, facts)) return true;
      }
      return false;
    case Node::Kind::kNot:
      return !EvaluateNode(*node.children.front(), facts);
  }
  return false;
}

}  // namespace

absl::StatusOr<Condition> Condition::Parse(absl::string_view text) {
  absl::StatusOr<std::vector<Token>> tokens = Tokenize(text);
  if (!tokens.ok()) return tokens.status();
  Parser parser(*std::move(tokens));
  absl::StatusOr<NodePtr> root = parser.Parse();
  if (!root.ok()) return root.status();
  Condition condition;
  condition.root_ = *std::move(root);
  condition.facts_read_ = parser.TakeFactsRead();
  return condition;
}

bool Condition::Evaluate(const FactValues& facts) const { return EvaluateNode(*root_, facts); }

}  // namespace osteoflow::screening
