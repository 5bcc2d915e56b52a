import sys

from reviewtools.cli.main import main

sys.exit(main())
