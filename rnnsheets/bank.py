"""Short phrases to draw corpora from, grouped so that a group's sentences share words."""

GROUPS: tuple[tuple[str, ...], ...] = (
    ("i like tea", "i like cake", "you like tea", "i drink tea"),
    ("the cat sat", "the dog sat", "the cat ran", "a dog ran"),
    ("we read books", "we read", "they read books", "we write books"),
    ("birds can fly", "fish can swim", "birds can sing", "fish swim"),
    ("it is cold", "it is warm", "it was cold", "is it warm"),
    ("she plays chess", "he plays chess", "she plays", "he reads"),
    ("red is nice", "blue is nice", "red is red", "blue is calm"),
    ("go left now", "go right now", "go left", "turn right now"),
    ("rain falls down", "snow falls down", "rain falls", "snow melts"),
    ("time flies fast", "time runs fast", "time flies", "money runs out"),
)

#: Pairs of words for a two-word vocabulary.
WORD_PAIRS: tuple[tuple[str, str], ...] = (
    ("ab", "ba"), ("yes", "no"), ("up", "down"), ("hot", "cold"), ("tick", "tock"),
    ("on", "off"), ("ping", "pong"), ("day", "night"), ("left", "right"), ("in", "out"),
)

#: Words for larger vocabularies.
WORDS: tuple[str, ...] = ("the", "cat", "sat", "on", "mat", "a", "dog", "ran", "far", "fast")
