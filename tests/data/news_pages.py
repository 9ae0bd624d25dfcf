"""Ten test pages, each laid out like a named news site, for the HTML extractor comparison.

Every story and every line of page furniture here is written for Gazette (none is copied); the
layouts imitate where each site puts its navigation, related links, comments, cookie banners,
scripts and JSON-LD, since that is what decides what an extractor keeps.  Each page knows what a
good extractor must keep (``body``), must drop (``furniture``) and the metadata it declares.
Used by bench/extractors.py (the side-by-side table) and tests/places/test_pagemeta.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class NewsPage:
    site: str  # the real site whose layout the page imitates
    html: str
    title: str
    published: str  # ISO 8601 with its UTC offset, as the page declares it
    url: str
    site_name: str  # the publisher's name where JSON-LD and og:site_name differ in case or article
    author: str
    body: tuple[str, ...]  # sentences the article text must keep
    furniture: tuple[str, ...]  # phrases of page furniture it must drop


def _ld(headline: str, published: str, author: str | list[str], publisher: str, url: str) -> str:
    authors = [author] if isinstance(author, str) else author
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": headline, "datePublished": published,
            "author": [{"@type": "Person", "name": a} for a in authors], "mainEntityOfPage": url,
            "publisher": {"@type": "Organization", "name": publisher}}  # fmt: skip
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def _head(title: str, *, extra: str = "") -> str:
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>{extra}"
            "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}</script></head>")  # fmt: skip


def _ps(body: tuple[str, ...], *, attrs: str = "") -> str:
    return "".join(f"<p{attrs}>{s}</p>" for s in body)


def _bbc() -> NewsPage:
    body = ("Grain ships queued outside Odesa on Monday as the new corridor opened for a second week.",
            "Port officials in Chornomorsk said twelve vessels had cleared inspection near Istanbul.",
            "Insurers in London have raised premiums for voyages across the Black Sea.")
    furniture = ("Skip to content", "More on this story", "Related Topics", "Top Stories", "Elsewhere on the BBC")
    url = "https://www.bbc.co.uk/news/world-europe-90000001"
    html = (_head("Grain ships queue off Odesa - BBC News", extra=_ld("Grain ships queue off Odesa", "2024-03-04T10:12:00+00:00", "Anna Kellner", "BBC News", url)
                  + f'<meta property="og:site_name" content="BBC News"><link rel="canonical" href="{url}">')
            + '<body><a href="#main">Skip to content</a><header><nav><ul><li>Home</li><li>News</li><li>Sport</li></ul></nav></header>'
            '<main id="main"><article><h1>Grain ships queue off Odesa</h1><div class="byline">By Anna Kellner<br>BBC News</div>'
            '<time datetime="2024-03-04T10:12:00.000Z">4 March 2024</time>'
            + "".join(f'<div data-component="text-block"><p>{s}</p></div>' for s in body)
            + '<div data-component="tags"><h2>Related Topics</h2><ul><li><a href="/t/1">Ukraine war</a></li><li><a href="/t/2">Shipping</a></li></ul></div>'
            '</article><section><h2>More on this story</h2><ul><li><a href="/n/2">Tanker seized near Crete</a></li></ul></section>'
            '<section><h2>Top Stories</h2><ul><li><a href="/n/3">Floods in Valencia</a></li></ul></section></main>'
            '<footer><h2>Elsewhere on the BBC</h2><p>Copyright 2024 BBC.</p></footer></body></html>')
    return NewsPage("BBC News", html, "Grain ships queue off Odesa", "2024-03-04T10:12:00+00:00", url, "BBC News", "Anna Kellner", body, furniture)


def _guardian() -> NewsPage:
    body = ("Farmers near Lviv are planting sunflowers again after two years of idle fields.",
            "The regional council in Lviv said seed deliveries from Poland arrived on time.",
            "Buyers in Gdansk have signed contracts for the autumn harvest.")
    furniture = ("Most viewed", "Support the Guardian", "comments (214)", "We use cookies", "Sign up to First Edition")
    url = "https://www.theguardian.com/world/2024/apr/02/lviv-farmers-sunflowers"
    head = _head("Lviv farmers return to sunflowers | Ukraine | The Guardian", extra=(
        '<meta property="og:title" content="Lviv farmers return to sunflowers">'
        '<meta property="article:published_time" content="2024-04-02T06:00:00+01:00">'
        f'<meta property="og:url" content="{url}"><meta property="og:site_name" content="the Guardian">'
        '<meta name="author" content="Piotr Nowak">'
        + _ld("Lviv farmers return to sunflowers", "2024-04-02T06:00:00+01:00", "Piotr Nowak", "The Guardian", url)))
    html = (head + '<body><div id="bannerandheader"><nav><a href="/">News</a><a href="/opinion">Opinion</a></nav>'
            '<a href="/support">Support the Guardian</a></div><div id="maincontent"><h1>Lviv farmers return to sunflowers</h1>'
            '<address>Piotr Nowak in Lviv</address><div class="article-body-commercial-selector">' + _ps(body)
            + '<aside><p>Sign up to First Edition, our free daily newsletter</p></aside></div>'
            '<div id="most-viewed"><h2>Most viewed</h2><ol><li>Heatwave in Seville</li></ol></div>'
            '<div id="comments"><h2>comments (214)</h2><div class="comment"><p>Great to see the farms back.</p></div></div></div>'
            '<div class="cmp-banner"><p>We use cookies to improve your experience. Accept all?</p></div></body></html>')
    return NewsPage("The Guardian", html, "Lviv farmers return to sunflowers", "2024-04-02T06:00:00+01:00", url, "The Guardian", "Piotr Nowak", body, furniture)


def _reuters() -> NewsPage:
    body = ("Copper prices rose on Tuesday after protests closed a mine near Antofagasta.",
            "Traders in Shanghai said stocks in bonded warehouses were at a one-year low.",
            "The mine's owner in Santiago expects output to resume within a week.")
    furniture = ("Sign up here.", "Read Next", "Get the latest news", "Our Standards:", "Markets data")
    url = "https://www.reuters.com/markets/commodities/copper-antofagasta-2024-05-07/"
    head = _head("Copper rises as Antofagasta protests shut mine | Reuters", extra=(
        f'<link rel="canonical" href="{url}"><meta property="og:site_name" content="Reuters">'
        + _ld("Copper rises as Antofagasta protests shut mine", "2024-05-07T09:41:00-04:00", "Lucia Ferreira", "Reuters", url)))
    html = (head + '<body><div class="site-header"><div>World</div><div>Business</div><div>Markets data</div></div>'
            '<div class="article-wrapper"><h1 data-testid="Heading">Copper rises as Antofagasta protests shut mine</h1>'
            '<div class="byline">By Lucia Ferreira</div><div class="date">May 7, 2024 9:41 AM EDT</div>'
            + "".join(f'<div data-testid="paragraph-{i}">{s}</div>' for i, s in enumerate(body))
            + '<div data-testid="promo-box">Get the latest news from Reuters. Sign up here.</div>'
            '<div class="read-next"><h2>Read Next</h2><a href="/x">Zinc slips</a><a href="/y">Gold steady</a></div>'
            '<p class="trust">Our Standards: The Thomson Reuters Trust Principles.</p></div></body></html>')
    return NewsPage("Reuters", html, "Copper rises as Antofagasta protests shut mine", "2024-05-07T09:41:00-04:00", url, "Reuters", "Lucia Ferreira", body, furniture)


def _ap() -> NewsPage:
    body = ("A winter storm closed the interstate between Denver and Cheyenne for most of Friday.",
            "Snowplow crews from Fort Collins worked through the night to clear the drifts.",
            "Forecasters in Boulder expect another storm to arrive by Sunday evening.")
    furniture = ("Most read", "Copyright 2024 The Associated Press", "Privacy Preference Center", "SUBSCRIBE", "Advertisement")
    url = "https://apnews.com/article/winter-storm-denver-cheyenne-4f1e2d"
    head = _head("Winter storm shuts interstate from Denver to Cheyenne | AP News", extra=(
        '<meta property="og:title" content="Winter storm shuts interstate from Denver to Cheyenne">'
        '<meta property="article:published_time" content="2024-01-12T15:14:00-05:00">'
        f'<meta property="og:url" content="{url}"><meta property="og:site_name" content="AP News">'
        '<meta name="author" content="Dana Whitfield">'))
    html = (head + '<body><bsp-header><div class="nav">World U.S. Politics SUBSCRIBE</div></bsp-header>'
            '<div class="Page-content"><h1 class="Page-headline">Winter storm shuts interstate from Denver to Cheyenne</h1>'
            '<div class="Page-authors">By DANA WHITFIELD</div><bsp-timestamp data-timestamp="1705090440000">Updated 3:14 PM EST, January 12, 2024</bsp-timestamp>'
            '<div class="RichTextStoryBody">' + _ps(body[:2]) + '<div class="ad">Advertisement</div>' + _ps(body[2:])
            + '<p class="Copyright">Copyright 2024 The Associated Press. All rights reserved.</p></div>'
            '<div class="PageListRightRailA"><h2>Most read</h2><ul><li>Eclipse tips</li></ul></div></div>'
            '<div id="onetrust-banner-sdk"><h2>Privacy Preference Center</h2><p>Allow all cookies</p></div></body></html>')
    return NewsPage("AP News", html, "Winter storm shuts interstate from Denver to Cheyenne", "2024-01-12T15:14:00-05:00", url, "AP News", "Dana Whitfield", body, furniture)


def _aljazeera() -> NewsPage:
    body = ("Fishermen in Mombasa say catches have halved since the warm current shifted south.",
            "Scientists in Zanzibar recorded sea temperatures two degrees above the average.",
            "The fisheries ministry in Nairobi has promised fuel subsidies for small boats.")
    furniture = ("Recommended Stories", "Follow Al Jazeera English:", "Sign up for Al Jazeera", "list of 4 items", "end of list")
    url = "https://www.aljazeera.com/news/2024/6/18/mombasa-fishermen-warm-current"
    head = _head("Mombasa fishermen count the cost of a warming sea | Climate Crisis News | Al Jazeera", extra=(
        '<meta property="og:site_name" content="Al Jazeera">'
        + _ld("Mombasa fishermen count the cost of a warming sea", "2024-06-18T11:20:05+03:00", "Amina Odhiambo", "Al Jazeera", url)))
    html = (head + '<body><header class="site-header"><nav>News Middle East Africa Asia</nav></header><main><div id="main-content-area">'
            '<header class="article-header"><h1>Mombasa fishermen count the cost of a warming sea</h1></header>'
            '<div class="article-author">By Amina Odhiambo</div><div class="wysiwyg">' + _ps(body[:1])
            + '<div class="more-on"><h2>Recommended Stories</h2><p>list of 4 items</p><ul><li><a href="/a">Drought in Somalia</a></li>'
            '<li><a href="/b">Floods in Kenya</a></li></ul><p>end of list</p></div>' + _ps(body[1:]) + '</div>'
            '<div class="newsletter"><form><p>Sign up for Al Jazeera</p><input type="email"></form></div>'
            '<p>Follow Al Jazeera English:</p></div></main><footer><p>About Us</p></footer></body></html>')
    return NewsPage("Al Jazeera", html, "Mombasa fishermen count the cost of a warming sea", "2024-06-18T11:20:05+03:00", url, "Al Jazeera", "Amina Odhiambo", body, furniture)


def _nyt() -> NewsPage:
    body = ("Water rationing began in Bogota this week after the Chingaza reservoir fell to a record low.",
            "Neighbourhoods in the north of Bogota will lose supply for a day at a time.",
            "Engineers in Medellin have offered to share their own reserves if the drought lasts.")
    furniture = ("SKIP ADVERTISEMENT", "Supported by", "Related Content", "A version of this article appears in print", "Share full article")
    url = "https://www.nytimes.com/2024/04/12/world/americas/bogota-water-rationing.html"
    head = _head("Bogota Begins Rationing Water as Reservoir Runs Low - The New York Times", extra=(
        '<meta property="og:title" content="Bogota Begins Rationing Water as Reservoir Runs Low">'
        f'<meta property="og:url" content="{url}"><meta name="byl" content="By Julia Sandoval">'
        + _ld("Bogota Begins Rationing Water as Reservoir Runs Low", "2024-04-12T05:00:14-04:00", "Julia Sandoval", "The New York Times", url)))
    html = (head + '<body><div id="app"><header><a href="/section/world">World</a><span>Supported by</span></header>'
            '<main id="site-content"><article id="story"><h1>Bogota Begins Rationing Water as Reservoir Runs Low</h1>'
            '<button>Share full article</button><p class="byline">By Julia Sandoval</p><time datetime="2024-04-12T05:00:14-04:00">April 12, 2024</time>'
            '<section name="articleBody">' + _ps(body[:2], attrs=' class="css-at9mc1 evys1bk0"')
            + '<div class="ad"><p>Advertisement</p><a href="#after-ad">SKIP ADVERTISEMENT</a></div>'
            + _ps(body[2:], attrs=' class="css-at9mc1 evys1bk0"') + '</section>'
            '<div class="bottom-of-article"><p>A version of this article appears in print on April 13, 2024, Section A, Page 8.</p></div>'
            '<section><h2>Related Content</h2><ul><li><a href="/r1">Drought in Uruguay</a></li></ul></section>'
            '</article></main></div></body></html>')
    return NewsPage("The New York Times", html, "Bogota Begins Rationing Water as Reservoir Runs Low", "2024-04-12T05:00:14-04:00", url, "The New York Times", "Julia Sandoval", body, furniture)


def _cnn() -> NewsPage:
    body = ("A magnitude 6.1 earthquake shook Hualien on Wednesday morning, officials said.",
            "Trains between Hualien and Taipei were halted while engineers checked the tunnels.",
            "Schools in Yilan sent pupils home early as a precaution.")
    furniture = ("Ad Feedback", "Related article", "Sign up for our newsletter", "Watch:", "Most stock quote data provided by")
    url = "https://edition.cnn.com/2024/07/03/asia/taiwan-hualien-earthquake-intl/index.html"
    head = _head("Earthquake shakes Hualien, halting trains | CNN", extra=(
        '<meta property="og:site_name" content="CNN"><meta name="author" content="Mei Lin Chen">'
        f'<meta property="og:url" content="{url}"><meta property="article:published_time" content="2024-07-03T02:35:00Z">'
        + _ld("Earthquake shakes Hualien, halting trains", "2024-07-03T02:35:00Z", "Mei Lin Chen", "CNN", url)
        + '<script>var CNN = {"contentModel": {"pageType": "article", "section": "asia"}};</script>'))
    html = (head + '<body><div class="header__wrapper"><a>US</a><a>World</a><a>Watch:</a></div>'
            '<div class="article__main"><h1 class="headline__text">Earthquake shakes Hualien, halting trains</h1>'
            '<div class="byline__names">By Mei Lin Chen, CNN</div><div class="timestamp">Updated 10:35 PM EDT, Tue July 2, 2024</div>'
            '<div class="article__content">' + _ps(body[:1], attrs=' class="paragraph inline-placeholder"')
            + '<div class="ad-feedback-link"><span>Ad Feedback</span></div>'
            '<div class="related-content"><span>Related article</span><a href="/t">Typhoon season begins</a></div>'
            + _ps(body[1:], attrs=' class="paragraph inline-placeholder"') + '</div></div>'
            '<div class="newsletter"><p>Sign up for our newsletter</p></div>'
            '<footer><p>Most stock quote data provided by BATS.</p></footer></body></html>')
    return NewsPage("CNN", html, "Earthquake shakes Hualien, halting trains", "2024-07-03T02:35:00+00:00", url, "CNN", "Mei Lin Chen", body, furniture)


def _lemonde() -> NewsPage:
    body = ("The mayor of Marseille announced a new tram line to the northern districts on Thursday.",
            "Work on the line from the Old Port to Saint-Antoine is due to start next spring.",
            "Officials in Paris have promised to pay a third of the cost.")
    furniture = ("Read more Subscribers only", "This article is reserved for subscribers", "Le Monde with AFP", "Manage my cookies", "Lecture du Monde en cours")
    url = "https://www.lemonde.fr/en/france/article/2024/09/19/marseille-tram_6726001_7.html"
    head = _head("Marseille plans a tram to its northern districts", extra=(
        '<meta property="og:title" content="Marseille plans a tram to its northern districts">'
        '<meta property="og:site_name" content="Le Monde.fr"><meta property="article:published_time" content="2024-09-19T17:45:03+02:00">'
        f'<meta property="og:url" content="{url}"><meta name="author" content="Claire Dubois">'))
    html = (head + '<body><div class="cmp"><p>Manage my cookies</p><button>Accept</button></div>'
            '<header><nav>International France Economy</nav></header><main><section class="zone--article">'
            '<h1 class="article__title">Marseille plans a tram to its northern districts</h1>'
            '<p class="meta__publisher">Le Monde with AFP</p><span class="author__name">Claire Dubois</span>'
            '<article class="article__content">' + _ps(body[:2], attrs=' class="article__paragraph"')
            + '<p class="article__paragraph"><a href="/x">Read more Subscribers only In Lyon, buses go electric</a></p>'
            + _ps(body[2:], attrs=' class="article__paragraph"') + '</article>'
            '<div class="paywall"><p>This article is reserved for subscribers</p></div>'
            '<div class="multi-device"><p>Lecture du Monde en cours sur un autre appareil.</p></div></section></main></body></html>')
    return NewsPage("Le Monde", html, "Marseille plans a tram to its northern districts", "2024-09-19T17:45:03+02:00", url, "Le Monde.fr", "Claire Dubois", body, furniture)


def _spiegel() -> NewsPage:
    body = ("Barges on the Rhine near Duisburg are sailing half empty because the river is so low.",
            "Shippers in Rotterdam say the cost of moving coal upriver has tripled since July.",
            "The water authority in Koblenz expects rain to lift the levels by the weekend.")
    furniture = ("Related Articles", "Discuss this article", "Join the discussion", "DER SPIEGEL International", "Feedback")
    url = "https://www.spiegel.de/international/germany/rhine-low-water-a-1234abcd.html"
    head = _head("Low Water on the Rhine: Half-Empty Barges - DER SPIEGEL", extra=(
        '<meta property="og:site_name" content="DER SPIEGEL"><meta property="og:title" content="Low Water on the Rhine: Half-Empty Barges">'
        + _ld("Low Water on the Rhine: Half-Empty Barges", "2024-08-22T18:03:00+02:00", ["Jonas Weber", "Lea Hartmann"], "DER SPIEGEL", url)
        + f'<link rel="canonical" href="{url}">'))
    html = (head + '<body><header><nav>DER SPIEGEL International Germany World</nav></header><main id="Inhalt">'
            '<article><header><h2><span>Low Water on the Rhine: Half-Empty Barges</span></h2>'
            '<div>By Jonas Weber and Lea Hartmann</div><time datetime="2024-08-22 18:03:00">22.08.2024, 18.03 Uhr</time></header>'
            '<section data-area="body">' + "".join(f'<div data-sara-click-el="body_element"><div class="RichText"><p>{s}</p></div></div>' for s in body)
            + '</section><section data-area="related_articles"><h3>Related Articles</h3><ul><li><a href="/a">Drought in Bavaria</a></li></ul></section>'
            '<section data-area="article-teaser-list"><div class="comments"><p>Discuss this article</p><button>Join the discussion</button></div></section>'
            '</article></main><footer><a>Feedback</a></footer></body></html>')
    return NewsPage("DER SPIEGEL", html, "Low Water on the Rhine: Half-Empty Barges", "2024-08-22T18:03:00+02:00", url, "DER SPIEGEL", "Jonas Weber; Lea Hartmann", body, furniture)


def _wapo() -> NewsPage:
    body = ("Wildfire smoke from Quebec drifted over Baltimore on Thursday, turning the sky orange.",
            "Health officials in Annapolis urged residents to stay indoors until the air clears.",
            "Flights from Reagan National were delayed for several hours.")
    furniture = ("Democracy Dies in Darkness", "Story continues below advertisement", "Gift Article", "View more comments", "Most Read")
    url = "https://www.washingtonpost.com/weather/2024/06/06/baltimore-wildfire-smoke-quebec/"
    head = _head("Wildfire smoke from Quebec turns Baltimore sky orange - The Washington Post", extra=(
        '<meta property="og:title" content="Wildfire smoke from Quebec turns Baltimore sky orange">'
        '<meta property="og:site_name" content="Washington Post">'
        + _ld("Wildfire smoke from Quebec turns Baltimore sky orange", "2024-06-06T12:30:45.120Z", ["Sam Porter"], "The Washington Post", url)
        + f'<meta property="og:url" content="{url}">'))
    html = (head + '<body><header><p>Democracy Dies in Darkness</p><nav>Politics Opinions Style</nav></header>'
            '<main><div class="article-body"><h1>Wildfire smoke from Quebec turns Baltimore sky orange</h1><button>Gift Article</button>'
            '<div class="byline">By Sam Porter</div>' + _ps(body[:2], attrs=' data-el="text"')
            + '<div class="ad"><span>Story continues below advertisement</span></div>' + _ps(body[2:], attrs=' data-el="text"')
            + '</div><div id="comments"><div class="comment"><p>Stay safe everyone.</p></div><button>View more comments</button></div>'
            '<div class="most-read"><h2>Most Read</h2><ol><li>Heat dome over Texas</li></ol></div></main></body></html>')
    return NewsPage("The Washington Post", html, "Wildfire smoke from Quebec turns Baltimore sky orange", "2024-06-06T12:30:45+00:00", url, "The Washington Post", "Sam Porter", body, furniture)


NEWS_PAGES: tuple[NewsPage, ...] = (_bbc(), _guardian(), _reuters(), _ap(), _aljazeera(), _nyt(), _cnn(), _lemonde(), _spiegel(), _wapo())
