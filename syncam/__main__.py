"""python -m syncam"""

from syncam.cli import main

main()
