from mapcourse.cli import main

raise SystemExit(main())
