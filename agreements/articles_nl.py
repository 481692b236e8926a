"""The default articles of the cooperation agreement (samenwerkingsovereenkomst), in Dutch.

Eighteen articles in the order the document prints them (docs/rules.md §12): the preamble,
definitions, parties, goals and activities, tasks, contributions, the penvoerder,
administration, governance, intellectual property, confidentiality and personal data,
liability, termination, accession, amendment, duration, disputes and signatures. The keys
are stable: URLs, a partnership's own texts (ClauseText), its order (AgreementArticle) and
the PDF template use them. Articles refer to each other by subject, never by number, because
a project leader may reorder them. Placeholders between braces are listed in
agreements.clauses.PLACEHOLDERS.
"""

# (key, title, text)
DEFAULT_CLAUSES: list[tuple[str, str, str]] = [
    (
        "considerations",
        "Overwegingen",
        """Overwegende dat:

a. de regeling Sterk Techniekonderwijs ({scheme}) scholen voor voortgezet onderwijs met een vmbo-afdeling ondersteunt bij het versterken van het technisch onderwijs, in samenwerking met het regionale bedrijfsleven, het middelbaar beroepsonderwijs en andere partners;

b. partijen voor de periode {start_year} tot en met {end_year} samen een regionaal plan hebben opgesteld, waarin de gezamenlijke ambitie, de activiteiten en de begroting van het samenwerkingsverband {partnership} in de regio {region} zijn beschreven;

c. de regeling vereist dat het bedrijfsleven ten minste {share} van {base_definition} bijdraagt, in geld of in natura, en dat de samenwerking tussen de partijen schriftelijk wordt vastgelegd;

d. partijen in deze overeenkomst willen vastleggen wie welke taken uitvoert, wie wat bijdraagt, hoe de bedrijfscofinanciering is opgebouwd en over de bedrijven is verdeeld, en hoe zij samen besluiten;

e. partijen hun samenwerking duurzaam willen maken en ook na afloop van de subsidie willen voortzetten;

komen het volgende overeen.""",
    ),
    (
        "definitions",
        "Begripsbepalingen",
        """In deze overeenkomst wordt verstaan onder:

a. Regeling: de regeling Sterk Techniekonderwijs ({scheme}) voor de periode {scheme_start_year}–{scheme_end_year}, met de besluiten die de subsidieverstrekker op grond daarvan neemt;

b. Subsidieverstrekker: de Minister van Onderwijs, Cultuur en Wetenschap, of de dienst die de Regeling namens de minister uitvoert;

c. Samenwerkingsverband: het regionale samenwerkingsverband {partnership} in de regio {region}, gevormd door de partijen bij deze overeenkomst;

d. Penvoerder: {penvoerder}, de partij die namens het Samenwerkingsverband de subsidie aanvraagt, ontvangt en verantwoordt;

e. Activiteitenplan: het regionale plan van het Samenwerkingsverband voor de periode {start_year} tot en met {end_year}, met de doelen en activiteiten die zijn samengevat in Bijlage 1;

f. Begroting: de meerjarige begroting van het Activiteitenplan, samengevat per jaar in Bijlage 2;

g. Subsidiabele begroting: het deel van de Begroting dat volgens de Regeling voor subsidie in aanmerking komt; niet daartoe behoren onder meer terugvorderbare btw, kosten buiten de periode, kosten die niet passen in het Activiteitenplan en kosten die al uit een andere subsidie worden betaald;

h. Grondslag: {base_definition}, het bedrag waarover het vereiste aandeel bedrijfscofinanciering wordt berekend; volgens de huidige Begroting {base_amount};

i. Bedrijfscofinanciering: de bijdragen in geld of in natura van bedrijven aan de uitvoering van het Activiteitenplan die volgens de Regeling meetellen voor het vereiste aandeel van ten minste {share} van de Grondslag;

j. Bijdrage: wat een partij in geld of in natura inbrengt voor de uitvoering van het Activiteitenplan, zoals vermeld in deze overeenkomst en in Bijlage 3;

k. Resultaten: de lesmaterialen, opdrachten, ontwerpen, rapporten en andere werken die partijen bij de uitvoering van het Activiteitenplan samen of afzonderlijk voor het Samenwerkingsverband maken.""",
    ),
    (
        "parties",
        "Partijen en vertegenwoordiging",
        """Deze overeenkomst wordt gesloten tussen de {party_count} partijen die hieronder zijn genoemd, samen het Samenwerkingsverband {partnership} in de regio {region}.

Iedere partij wordt bij het sluiten van deze overeenkomst vertegenwoordigd door de persoon of personen die bij die partij zijn vermeld. Die persoon verklaart door ondertekening dat hij of zij bevoegd is de partij te vertegenwoordigen, zoals blijkt uit het Handelsregister van de Kamer van Koophandel, de statuten, een volmacht of een mandaatbesluit.

Een gevolmachtigde tekent niet voor een bijdrage die hoger is dan de grens van zijn of haar volmacht. Waar bestuurders alleen gezamenlijk bevoegd zijn, tekenen zij samen.""",
    ),
    (
        "purpose",
        "Doel en activiteiten",
        """Het doel van deze overeenkomst is dat partijen samen het Activiteitenplan van {partnership} uitvoeren, zodat leerlingen in de regio {region} aantrekkelijk, actueel en toekomstgericht techniekonderwijs krijgen dat aansluit op de vraag van de arbeidsmarkt.

Partijen werken daartoe samen in de activiteiten van het Activiteitenplan, zoals gastlessen en praktijkbegeleiding, het beschikbaar stellen van ruimtes, machines en materiaal, stages en bedrijfsbezoeken, het samen ontwikkelen en verzorgen van keuzevakken, loopbaanoriëntatie en het inbrengen van echte opdrachten uit de praktijk. Bijlage 1 vermeldt per activiteit de vorm van samenwerking, het doel, de jaren en de deelnemende partijen.

Partijen evalueren ten minste eenmaal per jaar de gezamenlijke ambitie en de resultaten en stellen de activiteiten zo nodig bij, binnen de Regeling en deze overeenkomst. Iedere partij wijst een vaste contactpersoon aan.""",
    ),
    (
        "tasks",
        "Taken en verantwoordelijkheden",
        """Iedere partij voert de taken uit en draagt de verantwoordelijkheden die hieronder per partij en per activiteit zijn vermeld. Iedere partij voert haar taken zorgvuldig uit, met inachtneming van de Regeling en van de redelijke aanwijzingen van de Penvoerder die nodig zijn om aan de Regeling te voldoen.

Een partij die een taak niet of niet op tijd kan uitvoeren, meldt dat zo snel mogelijk aan de Penvoerder. Partijen zoeken dan samen naar een oplossing.""",
    ),
    (
        "contributions",
        "Bijdragen, waardering en bewijs",
        """Iedere partij levert de Bijdragen die hieronder per partij en per jaar zijn vermeld; bij iedere Bijdrage staat of zij is toegezegd of al is geleverd. Bijlage 3 vat de Bijdragen per partij en per jaar samen.

Bijdragen in natura worden gewaardeerd volgens de Regeling: uren tegen het uurtarief van de Regeling of een onderbouwd ander tarief, het gebruik van ruimtes tegen een huurwaarde per dagdeel, machines en apparatuur op basis van afschrijving over de werkelijke economische levensduur naar rato van het gebruik voor het Activiteitenplan en nooit tegen de aanschafprijs, en materiaal, huur en lease tegen de werkelijk betaalde prijs.

De Bedrijfscofinanciering bedraagt volgens deze overeenkomst in totaal {business_total}. Vereist is ten minste {required}, dat is {share} van de Grondslag. Een Bijdrage die al uit een andere subsidie wordt betaald, telt niet mee voor de Bedrijfscofinanciering.

Iedere partij bewijst haar Bijdragen met urenregistraties, facturen en betaalbewijzen, of een afschrijvingsberekening, en verklaart na afloop van ieder jaar in een door een bevoegde persoon ondertekende verklaring welke Bijdragen zij werkelijk heeft geleverd en tegen welke waarde.

Een partij die een toegezegde Bijdrage niet of niet volledig kan leveren, meldt dat zo snel mogelijk aan de Penvoerder, zodat partijen tijdig voor vervanging kunnen zorgen.""",
    ),
    (
        "penvoerder",
        "De penvoerder",
        """{penvoerder} is Penvoerder van het Samenwerkingsverband. De Penvoerder vraagt de subsidie aan, is het aanspreekpunt voor de Subsidieverstrekker en informeert de partijen tijdig over besluiten en verzoeken van de Subsidieverstrekker.

De Penvoerder voert de centrale administratie van het Samenwerkingsverband, bewaakt de uitvoering van het Activiteitenplan, de Begroting en het aandeel Bedrijfscofinanciering, verzamelt de gegevens, verklaringen en bewijsstukken van de partijen en stelt de voortgangsrapportages en de verantwoording voor de vaststelling van de subsidie op. De Penvoerder legt deze rapportages en de verantwoording vóór indiening aan de stuurgroep voor.

De Penvoerder ontvangt de subsidie en geeft het deel dat volgens de Begroting voor een andere partij bestemd is aan die partij door, naar rato van de ontvangen voorschotten en binnen dertig dagen na ontvangst daarvan, en het restant na de vaststelling van de subsidie. Een partij aan wie subsidie wordt doorgegeven, aanvaardt daarvoor dezelfde voorwaarden en verplichtingen als die voor de Penvoerder uit de Regeling en de subsidiebeschikking volgen, besteedt de subsidie alleen aan de activiteiten waarvoor zij bestemd is, legt daarover verantwoording af aan de Penvoerder en betaalt terug wat zij niet of niet volgens die voorwaarden heeft besteed.

De Penvoerder neemt geen verplichtingen op zich namens een andere partij zonder diens schriftelijke instemming, behalve waar deze overeenkomst dat uitdrukkelijk bepaalt.""",
    ),
    (
        "administration",
        "Administratie en controle",
        """Iedere partij legt haar Bijdragen en haar uitgaven voor het Activiteitenplan vast in een administratie waaruit de uitvoering, de Bijdragen en hun waarde eenvoudig zijn na te gaan, en bewaart de bewijsstukken: urenregistraties van medewerkers die uren bijdragen, facturen en betaalbewijzen van geld, materiaal, huur en lease, en de berekening van de afschrijving van machines en apparatuur.

Iedere partij levert de Penvoerder op verzoek en op tijd de gegevens, verklaringen en bewijsstukken die nodig zijn voor de rapportages en de verantwoording, en verleent medewerking aan een controle door of namens de Subsidieverstrekker.

Partijen bewaren de administratie en de bewijsstukken ten minste zeven jaar na de vaststelling van de subsidie.""",
    ),
    (
        "governance",
        "Stuurgroep en besluitvorming",
        """De samenwerking wordt aangestuurd door {steering_group}. De stuurgroep besluit over het Activiteitenplan, de Begroting, de inzet van de middelen en de rapportages, en ziet toe op de uitvoering; de Penvoerder of een door de stuurgroep aangewezen projectleider voert de dagelijkse leiding.

De stuurgroep komt ten minste twee keer per jaar bijeen en verder zo vaak als een partij daarom verzoekt. De stuurgroep besluit zoveel mogelijk in overeenstemming. Lukt dat niet, dan besluit zij met een gewone meerderheid van de uitgebrachte stemmen, waarbij iedere in de stuurgroep vertegenwoordigde partij één stem heeft.

Een besluit dat de taken of de Bijdragen van een partij verzwaart, bindt die partij alleen met haar schriftelijke instemming. Besluiten worden schriftelijk vastgelegd en aan alle partijen toegezonden.""",
    ),
    (
        "intellectual_property",
        "Intellectueel eigendom",
        """De rechten van intellectueel eigendom op wat een partij al bezat of buiten deze overeenkomst maakt, blijven bij die partij. De rechten op de Resultaten berusten bij de partij die ze heeft gemaakt; maken partijen een Resultaat samen, dan berusten de rechten bij hen gezamenlijk.

Voor het gebruik van de Resultaten geldt: {licence}.

Vertrouwelijke informatie en persoonsgegevens vallen niet onder deze afspraak, en een partij hoeft geen werk van derden beschikbaar te stellen waarvoor zij de rechten niet heeft. Iedere partij staat ervoor in dat zij de Resultaten die zij inbrengt zo kan beschikbaar stellen.""",
    ),
    (
        "confidentiality",
        "Geheimhouding en persoonsgegevens",
        """Partijen houden vertrouwelijke informatie die zij van elkaar ontvangen geheim en gebruiken die alleen voor de uitvoering van deze overeenkomst. Dit geldt niet voor informatie die al openbaar is, en niet voor zover een wettelijke plicht of de Subsidieverstrekker openbaarmaking eist.

Partijen verwerken persoonsgegevens van leerlingen, medewerkers en contactpersonen alleen voor zover dat voor de uitvoering van deze overeenkomst en de verantwoording van de subsidie nodig is, en houden zich daarbij aan de Algemene verordening gegevensbescherming (AVG). Iedere partij is verantwoordelijk voor haar eigen verwerkingen en neemt passende beveiligingsmaatregelen. Waar een partij persoonsgegevens verwerkt in opdracht van een andere partij, sluiten zij een verwerkersovereenkomst.

Een partij meldt een inbreuk in verband met persoonsgegevens die een andere partij raakt zonder onnodige vertraging aan die partij.""",
    ),
    (
        "liability",
        "Aansprakelijkheid",
        """Iedere partij is verantwoordelijk voor haar eigen taken en Bijdragen en is jegens de andere partijen alleen aansprakelijk voor schade die het gevolg is van een haar toe te rekenen tekortkoming in de nakoming van deze overeenkomst. Aansprakelijkheid voor indirecte schade, zoals gederfde winst, is uitgesloten, behalve bij opzet of bewuste roekeloosheid.

Wordt de subsidie geheel of gedeeltelijk lager vastgesteld of teruggevorderd doordat een partij haar verplichtingen niet is nagekomen, dan draagt die partij de gevolgen daarvan en vergoedt zij de Penvoerder het bedrag dat aan haar is toe te rekenen, tenzij partijen schriftelijk iets anders afspreken.

Leerlingen en medewerkers die bij een andere partij activiteiten uitvoeren, volgen de veiligheidsinstructies van die partij. Iedere partij zorgt voor een passende verzekering van haar eigen aansprakelijkheid.""",
    ),
    (
        "termination",
        "Opzegging en beëindiging",
        """Iedere partij kan haar deelname aan deze overeenkomst opzeggen met een opzegtermijn van drie maanden, door een schriftelijke mededeling aan de Penvoerder, die de andere partijen onverwijld informeert. De overeenkomst blijft tussen de andere partijen van kracht. De uittredende partij levert de Bijdragen die zij tot de dag van uittreding heeft toegezegd, draagt haar administratie en bewijsstukken over aan de Penvoerder en betaalt subsidie terug die haar is doorgegeven en die zij nog niet heeft besteed.

Treedt een partij uit, of levert zij een toegezegde Bijdrage niet, terwijl die Bijdrage nodig is om het vereiste aandeel Bedrijfscofinanciering te halen, dan meldt de Penvoerder dat onverwijld aan de stuurgroep. Partijen spannen zich in om binnen twee maanden voor vervanging te zorgen, door een hogere Bijdrage van een andere partij of door de toetreding van een nieuwe partij. De uittredende partij verleent daaraan redelijke medewerking.

Wordt de subsidie geweigerd, dan eindigt deze overeenkomst op de dag waarop de weigering onherroepelijk is, tenzij partijen binnen twee maanden schriftelijk besluiten de samenwerking zonder subsidie voort te zetten. Wordt de subsidie lager vastgesteld of teruggevorderd, dan passen partijen het Activiteitenplan en de Begroting daarop aan; het bedrag dat niet aan één partij is toe te rekenen, dragen de partijen die subsidie hebben ontvangen naar verhouding van de subsidie die zij hebben ontvangen.

De verplichtingen over administratie, bewijs, geheimhouding, persoonsgegevens en intellectueel eigendom blijven gelden na uittreding of beëindiging, zolang dat voor de verantwoording van de subsidie nodig is.""",
    ),
    (
        "joining",
        "Toetreding",
        """Een nieuwe partij kan tot deze overeenkomst toetreden na een besluit van de stuurgroep. De toetreding komt tot stand door een toetredingsverklaring die wordt ondertekend door de toetredende partij en door de Penvoerder namens alle partijen. Partijen machtigen de Penvoerder hierbij om namens hen toetredingsverklaringen te ondertekenen; een nieuwe ondertekening door alle partijen is daarvoor niet nodig.

De toetredingsverklaring vermeldt de taken en de Bijdragen van de toetredende partij. Door de ondertekening wordt zij partij bij deze overeenkomst, met dezelfde rechten en verplichtingen als de andere partijen. Een toetredingsverklaring verandert de taken en Bijdragen van de andere partijen niet.

De Penvoerder zendt iedere ondertekende toetredingsverklaring onverwijld aan alle partijen en neemt de toetreding op in de eerstvolgende versie van deze overeenkomst.""",
    ),
    (
        "amendment",
        "Wijziging",
        """Deze overeenkomst kan alleen schriftelijk worden gewijzigd, door een nieuwe versie die door alle partijen is ondertekend. De nieuwe versie vervangt de vorige zodra alle partijen haar hebben ondertekend; tot dat moment blijft de vorige versie gelden.

Toetreding van een nieuwe partij volgens het artikel over toetreding vraagt geen nieuwe versie die door alle partijen is ondertekend. Besluiten van de stuurgroep binnen de grenzen van deze overeenkomst zijn geen wijziging van deze overeenkomst.""",
    ),
    (
        "term",
        "Duur en inwerkingtreding",
        """Deze overeenkomst treedt in werking op de dag waarop alle partijen haar hebben ondertekend en werkt terug tot en met 1 januari {start_year}, het begin van de periode van het Activiteitenplan. Bijdragen die partijen vanaf die datum hebben geleverd, vallen onder deze overeenkomst.

Deze overeenkomst eindigt op 31 december {end_year}, het einde van de periode van het Activiteitenplan, behalve waar het artikel over opzegging en beëindiging anders bepaalt. Bepalingen die naar hun aard bedoeld zijn om daarna te blijven gelden, zoals die over administratie, bewijs, geheimhouding, persoonsgegevens, intellectueel eigendom, aansprakelijkheid en geschillen, blijven gelden zolang dat voor de vaststelling en de controle van de subsidie nodig is.""",
    ),
    (
        "disputes",
        "Geschillen en toepasselijk recht",
        """Op deze overeenkomst is Nederlands recht van toepassing.

Partijen proberen een geschil eerst in onderling overleg op te lossen, zo nodig met hulp van een onafhankelijke bemiddelaar. Lukt dat niet binnen twee maanden nadat een partij het geschil schriftelijk heeft gemeld, dan wordt het geschil voorgelegd aan de bevoegde rechter in het arrondissement waar de Penvoerder is gevestigd.""",
    ),
    (
        "signatures",
        "Ondertekening",
        """Aldus overeengekomen en ondertekend door de {party_count} partijen van {partnership}, ieder vertegenwoordigd door een daartoe bevoegde persoon.

Partijen kunnen deze overeenkomst elektronisch ondertekenen. Zij komen overeen dat de daarvoor gebruikte methode van elektronische ondertekening voldoende betrouwbaar is gelet op het doel waarvoor zij wordt gebruikt, als bedoeld in artikel 3:15a van het Burgerlijk Wetboek.""",
    ),
]

DEFAULT_BY_KEY = {key: (title, text) for key, title, text in DEFAULT_CLAUSES}

# The articles a partnership cannot remove: without them the agreement does not hold.
REQUIRED_KEYS = frozenset(
    {
        "considerations",
        "definitions",
        "parties",
        "tasks",
        "contributions",
        "penvoerder",
        "joining",
        "amendment",
        "term",
        "signatures",
    }
)

# What {steering_group} becomes when the agreement does not name its own.
DEFAULT_STEERING_GROUP = (
    "een stuurgroep waarin iedere partij met één vertegenwoordiger zitting heeft"
)

# What {licence} becomes per choice of Agreement.licence.
LICENCE_TEXTS = {
    "shared": (
        "iedere partij krijgt een niet-exclusief, kosteloos en niet-overdraagbaar recht om "
        "de Resultaten te gebruiken, te bewerken en te verveelvoudigen voor haar onderwijs en "
        "voor de doelen van het Samenwerkingsverband, ook na het einde van deze overeenkomst; "
        "gebruik door of beschikbaarstelling aan anderen dan de partijen vraagt de schriftelijke "
        "toestemming van de rechthebbende"
    ),
    "open": (
        "de rechthebbenden stellen de Resultaten openbaar beschikbaar onder de licentie "
        "Creative Commons Naamsvermelding 4.0 Internationaal (CC BY 4.0), zodat partijen en "
        "derden ze vrij mogen gebruiken, bewerken en verspreiden, mits met naamsvermelding"
    ),
}

# What {base_definition} becomes per Scheme.base.
BASE_DEFINITIONS = {
    "eligible_total": "de totale subsidiabele kosten van de Begroting",
    "subsidy": "het aangevraagde subsidiebedrag",
}
