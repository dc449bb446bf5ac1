"""Short phrases to draw corpora from, grouped so that a group's sentences share words."""

GROUPS: tuple[tuple[str, ...], ...] = (
    ("we like tea", "we like cake", "you like tea", "we drink tea"),
    ("the cat sat", "the dog sat", "the cat ran", "the dog ran"),
    ("we read books", "we read", "they read books", "we write books"),
    ("birds can fly", "fish can swim", "birds can sing", "fish swim"),
    ("it is cold", "it is warm", "it was cold", "is it warm"),
    ("she plays chess", "he plays chess", "she plays", "he reads"),
    ("red is nice", "blue is nice", "red is red", "blue is calm"),
    ("go left now", "go right now", "go left", "turn right now"),
    ("rain falls down", "snow falls down", "rain falls", "snow melts"),
    ("time flies fast", "time runs fast", "time flies", "money runs out"),
    ("cats chase mice", "dogs chase cats", "cats chase dogs", "mice chase cats"),
    ("we sing songs", "we sing", "they sing songs", "we hear songs"),
    ("ducks swim fast", "ducks swim", "fish swim fast", "ducks fly fast"),
    ("tea is hot", "soup is hot", "tea is cold", "soup is good"),
    ("bees make honey", "bees make wax", "cows make milk", "bees like honey"),
    ("kids love games", "kids love sweets", "kids play games", "cats love sweets"),
    ("stars shine bright", "stars shine", "lamps shine bright", "stars glow bright"),
    ("trains run late", "buses run late", "trains run", "trains stop late"),
)

#: Pairs of words for a two-word vocabulary: real words, none a letter or read as
#: notation (``ab`` would clash with the index notation T_ab).
WORD_PAIRS: tuple[tuple[str, str], ...] = (
    ("yes", "no"), ("up", "down"), ("hot", "cold"), ("tick", "tock"), ("day", "night"),
    ("ping", "pong"), ("left", "right"), ("rain", "sun"), ("stop", "go"), ("cat", "dog"),
)

#: Words for larger vocabularies.
WORDS: tuple[str, ...] = ("the", "cat", "sat", "mat", "dog", "ran", "far", "fast", "big",
                          "red")
