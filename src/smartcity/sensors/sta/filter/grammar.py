"""The OData expression grammar SensorThings uses, parsed with lark (LALR, so it is fast).

Precedence from loosest to tightest: or, and, not, eq/ne, gt/ge/lt/le, add/sub, mul/div/mod,
unary minus, primaries. A quoted literal is a string, an unquoted number a number.
"""

from functools import lru_cache

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import LarkError, UnexpectedInput

from smartcity.sensors.sta.errors import bad_request

GRAMMAR = r"""
?start: expr
?expr: or_expr
?or_expr: and_expr | or_expr OR and_expr -> boolean
?and_expr: not_expr | and_expr AND not_expr -> boolean
?not_expr: eq_expr | NOT not_expr -> negation
?eq_expr: rel_expr | eq_expr EQOP rel_expr -> compare
?rel_expr: add_expr | rel_expr RELOP add_expr -> compare
?add_expr: mul_expr | add_expr ADDOP mul_expr -> arith
?mul_expr: neg_expr | mul_expr MULOP neg_expr -> arith
?neg_expr: primary | "-" neg_expr -> minus
?primary: literal | call | path | "(" expr ")"
call: FUNC "(" [expr ("," expr)*] ")"
path: NAME ("/" NAME)*
literal: STRING -> string
       | NUMBER -> number
       | BOOL -> boolean_literal
       | NULL -> null
       | DATETIME -> datetime
       | DATE -> date
       | GEO -> geo
       | DURATION -> duration

OR.2: /or\b/
AND.2: /and\b/
NOT.2: /not\b/
EQOP.2: /(eq|ne)\b/
RELOP.2: /(gt|ge|lt|le)\b/
ADDOP.2: /(add|sub)\b/
MULOP.2: /(mul|div|mod)\b/
BOOL.3: /(true|false)\b/
NULL.3: /null\b/
FUNC.4: /[A-Za-z_][A-Za-z0-9_.]*(?=\s*\()/
GEO.5: /(geography|geometry)'[^']*'/
DURATION.5: /duration'[^']*'/
NAME: /[A-Za-z_@$][A-Za-z0-9_.@$\-]*/
STRING: /'(?:[^']|'')*'/
DATETIME.3: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?/
DATE.2: /\d{4}-\d{2}-\d{2}/
NUMBER: /\d+(\.\d+)?([eE][+-]?\d+)?/

%import common.WS
%ignore WS
"""

_parser = Lark(GRAMMAR, parser="lalr", lexer="contextual", maybe_placeholders=False)


@v_args(inline=True)
class _ToTuples(Transformer):
    """Turn the parse tree into small tuples the compiler walks: (kind, ...)."""

    def boolean(self, left, op, right):
        return ("bool", str(op), left, right)

    def negation(self, _op, operand):
        return ("not", operand)

    def compare(self, left, op, right):
        return ("cmp", str(op), left, right)

    def arith(self, left, op, right):
        return ("arith", str(op), left, right)

    def minus(self, operand):
        if operand[0] == "lit" and operand[1] == "number":
            return ("lit", "number", -operand[2])
        return ("arith", "sub", ("lit", "number", 0), operand)

    def call(self, name, *args):
        return ("call", str(name).lower(), [arg for arg in args if arg is not None])

    def path(self, *names):
        return ("path", [str(name) for name in names])

    def string(self, token):
        return ("lit", "string", str(token)[1:-1].replace("''", "'"))

    def number(self, token):
        text = str(token)
        return ("lit", "number", float(text) if any(c in text for c in ".eE") else int(text))

    def boolean_literal(self, token):
        return ("lit", "bool", str(token) == "true")

    def null(self, _token):
        return ("lit", "null", None)

    def datetime(self, token):
        return ("lit", "datetime", str(token))

    def date(self, token):
        return ("lit", "datetime", str(token) + "T00:00:00Z")

    def geo(self, token):
        text = str(token)
        return ("lit", "geo", text[text.index("'") + 1 : -1])

    def duration(self, token):
        text = str(token)
        return ("lit", "duration", text[text.index("'") + 1 : -1])


@lru_cache(maxsize=512)
def parse(text: str, field: str = "$filter"):
    """The expression tree of ``text``; a 400 naming the position when it is not valid."""
    try:
        return _ToTuples().transform(_parser.parse(text))
    except UnexpectedInput as error:
        column = getattr(error, "column", "?")
        token = error.token if isinstance(getattr(error, "token", None), Token) else None
        found = f" near {str(token)!r}" if token else ""
        raise bad_request(
            f"invalid {field} expression at position {column}{found}", field
        ) from None
    except LarkError as error:
        raise bad_request(f"invalid {field} expression: {error}", field) from None
