from social_publisher.cli import main

main()
