import sys

from lambda_import_lint.cli import main

sys.exit(main())
