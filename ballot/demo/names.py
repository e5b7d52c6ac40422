"""Name lists for the demo registry: common in Germany, including names of families with a migration history.

Fictional combinations only; any resemblance to real people is coincidence.
"""

from __future__ import annotations

# fmt: off
FEMALE_GIVEN = (
    "Anna", "Maria", "Julia", "Laura", "Sarah", "Lea", "Lena", "Hannah", "Katharina", "Sophie",
    "Johanna", "Charlotte", "Emma", "Mia", "Clara", "Marie", "Franziska", "Christina", "Sabine", "Petra",
    "Monika", "Ursula", "Gabriele", "Birgit", "Andrea", "Susanne", "Claudia", "Stefanie", "Nicole", "Kerstin",
    "Heike", "Silke", "Anja", "Martina", "Ingrid", "Renate", "Helga", "Karin", "Elisabeth", "Jutta",
    "Ayşe", "Elif", "Zeynep", "Fatma", "Merve", "Leyla", "Emine", "Aleksandra", "Katarzyna", "Agnieszka",
    "Olga", "Natalia", "Swetlana", "Irina", "Fatima", "Amira", "Yasmin", "Noura", "Giulia", "Francesca",
    "Elena", "Ioanna", "Dragana", "Mirela", "Thi Lan", "Mai", "Ana", "Nour", "Samira", "Selin",
)
MALE_GIVEN = (
    "Thomas", "Michael", "Andreas", "Stefan", "Christian", "Markus", "Frank", "Jürgen", "Klaus", "Peter",
    "Wolfgang", "Uwe", "Matthias", "Martin", "Alexander", "Sebastian", "Tobias", "Daniel", "Jan", "Florian",
    "Lukas", "Felix", "Jonas", "Leon", "Paul", "Maximilian", "Niklas", "Tim", "Philipp", "Moritz",
    "Hans", "Dieter", "Manfred", "Bernd", "Rainer", "Jörg", "Holger", "Ralf", "Dirk", "Sven",
    "Mehmet", "Mustafa", "Ahmet", "Emre", "Can", "Murat", "Hakan", "Serkan", "Piotr", "Tomasz",
    "Krzysztof", "Dmitri", "Sergej", "Alexej", "Andrej", "Ali", "Omar", "Karim", "Youssef", "Tarek",
    "Giuseppe", "Marco", "Luca", "Nikolaos", "Dimitrios", "Milan", "Goran", "Duc Anh", "Kwame", "Samuel",
)
DIVERSE_GIVEN = ("Alex", "Kim", "Robin", "Sascha", "Luca", "Charlie", "Jona", "Noah", "Eike", "Mika")

FAMILY = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
    "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
    "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier",
    "Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber",
    "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Schubert",
    "Vogel", "Friedrich", "Keller", "Günther", "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz",
    "Baumann", "Franke", "Albrecht", "Schuster", "Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martin",
    "Schumacher", "Krämer", "Vogt", "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich",
    "Brandt", "Haas", "Schreiber", "Graf", "Dietrich", "Ziegler", "Kuhn", "Engel", "Pohl", "Horn",
    "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın", "Arslan", "Doğan",
    "Nowak", "Kowalski", "Wiśniewski", "Lewandowski", "Kamiński", "Zieliński", "Iwanow", "Petrow", "Schewtschenko",
    "Popescu", "Ionescu", "Russo", "Esposito", "Romano", "Papadopoulos", "Georgiou", "Jovanović", "Petrović",
    "Hodžić", "Haddad", "Khalil", "Hassan", "Al-Masri", "Nguyen", "Tran", "Pham", "Mensah", "Okafor", "Rahimi",
)

STREETS = (
    "Hauptstraße", "Schulstraße", "Gartenstraße", "Bahnhofstraße", "Dorfstraße", "Bergstraße", "Birkenweg",
    "Lindenstraße", "Kirchstraße", "Waldstraße", "Ringstraße", "Schillerstraße", "Goethestraße", "Am Markt",
    "Friedhofstraße", "Jahnstraße", "Mühlenweg", "Rosenstraße", "Lessingstraße", "Mozartstraße", "Wiesenweg",
    "Feldstraße", "Parkstraße", "Blumenstraße", "Kastanienallee", "Beethovenstraße", "Am Anger",
)
# fmt: on
