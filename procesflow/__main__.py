from procesflow.cli import main

main()
