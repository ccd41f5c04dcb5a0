"""Demo curriculum for `manage.py seed_demo`. Idempotent: a program whose slug exists is skipped.

The content is declarative (the PROGRAMS list at the bottom); `seed` walks it and creates
everything through `modules.services`, so Markdown is rendered and validation runs exactly as
it does when staff author a program by hand.
"""

from dataclasses import dataclass, field
from textwrap import dedent

from django.db import transaction

from modules.models import IssueArea, Lesson, Module, Program, Question
from modules.services import (
    lesson_create,
    module_create,
    program_create,
    program_publish,
    question_create,
)

# --- Shapes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionSpec:
    prompt: str
    choices: tuple[tuple[str, bool], ...]
    explanation: str
    kind: str = Question.Kind.SINGLE


@dataclass(frozen=True)
class LessonSpec:
    title: str
    kind: str
    estimated_minutes: int
    required: bool = True
    body: str = ""
    video_url: str = ""
    transcript: str = ""
    resource_url: str = ""
    reflection_prompt: str = ""
    pass_mark: int | None = None
    questions: tuple[QuestionSpec, ...] = ()


@dataclass(frozen=True)
class ModuleSpec:
    title: str
    summary: str
    estimated_minutes: int
    lessons: list[LessonSpec]
    required: bool = True


@dataclass(frozen=True)
class ProgramSpec:
    title: str
    slug: str
    summary: str
    description: str
    estimated_hours: int
    issue_areas: list[str]
    modules: list[ModuleSpec] = field(default_factory=list)
    publish: bool = True


def _text(value: str) -> str:
    return dedent(value).strip()


def reading(title: str, minutes: int, body: str, *, required: bool = True) -> LessonSpec:
    return LessonSpec(title, Lesson.Kind.READING, minutes, required, body=_text(body))


def video(
    title: str, minutes: int, url: str, intro: str, transcript: str, *, required: bool = True
) -> LessonSpec:
    return LessonSpec(
        title,
        Lesson.Kind.VIDEO,
        minutes,
        required,
        body=_text(intro),
        video_url=url,
        transcript=_text(transcript),
    )


def resource(title: str, minutes: int, url: str, body: str, *, required: bool = True) -> LessonSpec:
    return LessonSpec(
        title, Lesson.Kind.RESOURCE, minutes, required, body=_text(body), resource_url=url
    )


def check(
    title: str,
    minutes: int,
    body: str,
    questions: list[QuestionSpec],
    *,
    pass_mark: int = 80,
    required: bool = True,
) -> LessonSpec:
    return LessonSpec(
        title,
        Lesson.Kind.KNOWLEDGE_CHECK,
        minutes,
        required,
        body=_text(body),
        pass_mark=pass_mark,
        questions=tuple(questions),
    )


def reflection(
    title: str, minutes: int, prompt: str, body: str = "", *, required: bool = True
) -> LessonSpec:
    return LessonSpec(
        title,
        Lesson.Kind.REFLECTION,
        minutes,
        required,
        body=_text(body),
        reflection_prompt=_text(prompt),
    )


def single(prompt: str, choices: list[tuple[str, bool]], explanation: str) -> QuestionSpec:
    return QuestionSpec(prompt, tuple(choices), explanation, Question.Kind.SINGLE)


def multiple(prompt: str, choices: list[tuple[str, bool]], explanation: str) -> QuestionSpec:
    return QuestionSpec(prompt, tuple(choices), explanation, Question.Kind.MULTIPLE)


RESOURCES = "https://localprogress.org/resources"


# --- Progressive Governance Academy: Newly Elected Officials ------------------------------

ACADEMY_MODULES = [
    ModuleSpec(
        "Developing a Policy Agenda",
        "Turn campaign commitments into a short, sequenced governing agenda you can actually "
        "move in your first term.",
        60,
        [
            reading(
                "From campaign promises to a governing agenda",
                15,
                """
                Campaigns reward breadth: you talked about housing, parks, wages, transit and
                safety, often in the same speech. Governing rewards focus. The officials who
                deliver in their first year usually pick **two or three priorities**, name them
                publicly, and say no (or "not yet") to almost everything else.

                ## Start with what you promised, then test it

                List every commitment you made in writing or on the record. For each one, ask:

                1. **Authority** – Does your body actually have the power to act, or is this a
                   state, county or school district decision?
                2. **Vehicle** – Would it take an ordinance, a budget amendment, a resolution,
                   a contract, or an administrative change by staff?
                3. **Votes** – Who else on the body has said something supportive in public?
                4. **Partners** – Which community organizations are already working on it and
                   will show up at public comment?
                5. **Cost and timing** – Does it need money in this budget cycle or the next?

                ## Sort into three lists

                | List | What goes here | Example |
                | --- | --- | --- |
                | Lead | Items you will author and carry | Just-cause eviction ordinance |
                | Support | Items a colleague or the mayor is leading | Paid sick leave expansion |
                | Watch | Items that need more groundwork | Municipal broadband study |

                ## Sequence for early wins

                Pair one **quick, visible win** (a resolution, a pilot funded through a small
                budget amendment, a staff report you request) with one **long-haul structural
                change** that may take eighteen months. The early win builds trust with
                residents and colleagues; the structural item is why you ran.

                Write the agenda down in a one-page memo, share it with your closest community
                partners, and revisit it every quarter. An agenda that lives only in your head
                cannot be held accountable, and cannot be supported either.
                """,
            ),
            video(
                "Choosing your first-100-days priorities",
                12,
                "https://www.youtube.com/watch?v=Qx7mT2rLp0A",
                """
                A second-term council member and a county commissioner compare how they chose
                their first priorities, and what they would do differently.
                """,
                """
                When I was sworn in I had a list of forty things. By March I had moved none of
                them, because every week a new crisis landed on the agenda and I reacted to it.
                What changed was sitting down with our tenant union and our labor council and
                asking a simple question: what are the two things only this council can do this
                year? For us that was a rental registry and a budget line for code enforcement
                staff. Everything else went on a watch list. On the county side, my advice is
                to learn the budget calendar before you pick anything. If your priority needs
                money and the budget is adopted in June, you have to be in conversations with
                the manager's office by February. Miss that window and you are waiting a year.
                Finally, tell people what you are not doing yet. Partners can live with "not
                this year" far better than with silence.
                """,
            ),
            resource(
                "Policy agenda planning worksheet",
                20,
                f"{RESOURCES}/policy-agenda-planning-worksheet/",
                """
                A two-page worksheet that walks you through the authority, vehicle, votes,
                partners and cost test for each commitment, then helps you sort them into lead,
                support and watch lists. Bring a completed copy to your cohort's live session.
                """,
            ),
            reflection(
                "Your top three",
                15,
                """
                Name the two or three priorities you will lead on in your first year. For each
                one, what is the legal vehicle in your jurisdiction and which colleague is most
                likely to vote with you?
                """,
            ),
        ],
    ),
    ModuleSpec(
        "Tools for Accomplishing Your Goals",
        "Ordinances, resolutions, budget amendments, referrals and the agenda itself: the "
        "formal tools of a local legislator and when to reach for each.",
        90,
        [
            reading(
                "Ordinances, resolutions and budget amendments",
                15,
                """
                Local bodies act through a small number of formal instruments. Knowing which one
                fits your goal saves months.

                ## The core instruments

                | Instrument | What it does | Typical process |
                | --- | --- | --- |
                | **Ordinance** | Creates binding local law, enforceable with penalties | Two readings, public hearing, codified |
                | **Resolution** | States policy or direction; usually not binding on the public | One vote, often on consent |
                | **Budget amendment** | Moves or adds money during the fiscal year | Staff report, majority or supermajority vote |
                | **Contract approval** | Commits the jurisdiction to a vendor or partner | Procurement rules, then a vote |
                | **Referral or staff direction** | Asks staff to study or draft something | Motion at a meeting or through committee |

                ## Choosing the right tool

                - If you want tenants, employers or developers to **have to** do something, you
                  need an **ordinance**. A just-cause eviction rule or a local minimum wage
                  cannot be done by resolution.
                - If you want to signal a position, for example opposing a state preemption
                  bill, a **resolution** is fast and builds a public record.
                - If your idea needs money now, a **budget amendment** is often quicker than
                  waiting for the next budget, but expect questions about the funding source.
                - If you are not sure what the policy should look like, start with a
                  **referral** asking staff for options, costs and legal analysis.

                ## Work with your attorney early

                Your city or county attorney drafts the legal language and flags preemption
                risks. Share a short policy memo rather than a finished draft, and ask what
                the attorney needs from you. Attorneys advise the body as a whole, so assume
                what you tell them is not private from your colleagues.
                """,
            ),
            reading(
                "Using the agenda: consent, referrals and study sessions",
                12,
                """
                Whoever controls the agenda controls much of what a body can accomplish. New
                officials often do not know how items get onto it.

                ## How items reach the agenda

                Rules differ, but most bodies use some mix of the following:

                - **Chair or mayor placement** – the presiding officer decides, sometimes with
                  the manager or clerk.
                - **Member request** – one or two members can place an item, often with a
                  deadline several days before the meeting.
                - **Committee referral** – items go to a committee first and come to the full
                  body with a recommendation.

                Read your rules of procedure this week. Find the deadline and the number of
                co-sponsors you need.

                ## The consent agenda

                Routine items (minutes, small contracts, grant acceptances) are grouped on the
                **consent agenda** and approved in one vote. Any member can usually pull an item
                for separate discussion. Use that power sparingly and with a clear reason:
                pulling a police equipment contract to ask about its use policy is legitimate;
                pulling every item looks like obstruction.

                ## Study sessions and work sessions

                A study session lets the body hear a presentation and ask questions without
                taking action. It is an excellent way to build shared understanding before a
                contested vote, for example a briefing from tenants and landlords on displacement
                data before you introduce rent stabilization.

                Remember that study sessions are still public meetings under your state's open
                meetings law, with notice and minutes.
                """,
            ),
            video(
                "A council cycle, start to finish",
                15,
                "https://vimeo.com/812445907",
                """
                Follow a paid sick leave ordinance from a member's referral through committee,
                first reading, public hearing and final adoption.
                """,
                """
                This is the life of a typical ordinance in a mid-sized city. It begins in
                January with a referral: a council member asks staff to draft a paid sick leave
                ordinance covering employers with five or more workers. The attorney's office
                returns a draft and a legal memo in six weeks. The item goes to the economic
                development committee, where workers and small business owners both testify,
                and the committee recommends two amendments, including a phase-in for the
                smallest employers. First reading happens at the full council in April. Under
                the city charter there must be at least one week between readings, and the
                second reading includes a noticed public hearing. After more than ninety
                public comments, the ordinance passes five to two. The mayor signs it, the clerk
                codifies it, and the effective date is set for January so employers have time
                to prepare. Total time: about eight months.
                """,
            ),
            check(
                "Check: the legislative toolbox",
                10,
                "Four questions on choosing the right instrument and moving it through the agenda.",
                [
                    single(
                        "You want landlords to give a legally valid reason before ending a "
                        "tenancy. Which instrument do you need?",
                        [
                            ("A resolution of support", False),
                            ("An ordinance", True),
                            ("A proclamation", False),
                            ("A staff referral alone", False),
                        ],
                        "Only an ordinance creates binding law that private parties must follow "
                        "and that can be enforced.",
                    ),
                    multiple(
                        "Which of these are usually appropriate uses of a resolution? Select "
                        "all that apply.",
                        [
                            ("Opposing a state bill that would preempt local wage laws", True),
                            ("Creating a new civil penalty for wage theft", False),
                            ("Declaring the body's support for a federal housing program", True),
                            ("Setting a policy goal for the jurisdiction's own fleet", True),
                        ],
                        "Resolutions state positions and direct the body's own work; penalties "
                        "on the public need an ordinance.",
                    ),
                    single(
                        "What is the consent agenda?",
                        [
                            ("Items approved together in a single vote unless pulled", True),
                            ("Items that need a unanimous vote", False),
                            ("Items the public may not comment on", False),
                        ],
                        "Consent items are grouped for one vote; any member can usually pull an "
                        "item for separate discussion.",
                    ),
                    single(
                        "You are unsure what a policy should look like or cost. A good first "
                        "step is to…",
                        [
                            ("Introduce a finished ordinance at the next meeting", False),
                            ("Ask staff, by referral, for options, costs and legal analysis", True),
                            ("Wait for the next budget cycle", False),
                        ],
                        "A referral builds the record, brings in staff expertise and surfaces "
                        "legal risks before you commit to language.",
                    ),
                ],
            ),
        ],
    ),
    ModuleSpec(
        "Navigating the Challenges of Governing",
        "Open meetings, public records, ethics rules, hard public comment nights and the "
        "pressure that comes with a public role.",
        60,
        [
            reading(
                "Open meetings, public records and ethics rules",
                15,
                """
                Transparency laws protect the public, and they also protect you. Most
                first-year missteps are not scandals; they are accidental violations of rules
                nobody explained.

                ## Open meetings

                Every state has an **Open Meetings Act** (sometimes called a sunshine law). The
                details vary, but the core rule is the same: when a **quorum** of a body
                discusses public business, it must happen in a noticed, public meeting.

                Watch out for:

                - **Serial meetings** – you talk to member A, who talks to member B, and
                  together you reach a majority outside a meeting. Many states treat this
                  "walking quorum" as a violation.
                - **Group texts and reply-all email** – a message thread among a majority of
                  members about pending business can count as a meeting.
                - **Social media** – commenting back and forth with colleagues on a post about
                  an agenda item can raise the same problem.

                ## Public records

                Assume that anything you write about public business, on any device or account,
                may be a **public record**. Use your official email for official work, keep
                messages professional, and learn your jurisdiction's retention schedule.

                ## Ethics and conflicts of interest

                - Disclose financial interests as your state and local code require.
                - **Recuse** when you, a family member or a business you are tied to has a
                  financial stake in a decision, and ask the attorney when in doubt.
                - Know your gift limits before the first reception invitation arrives.

                ## A practical habit

                Before any conversation with colleagues about a pending item, ask yourself:
                "Would I be comfortable if this were read aloud at the next meeting?" If not,
                move the conversation into the meeting.
                """,
            ),
            video(
                "Holding steady through a hard public comment night",
                10,
                "https://www.youtube.com/watch?v=H3vNc8ZpW1k",
                """
                A school board member and a city council member talk about chairing and
                sitting through heated public comment, and how to respond without escalating.
                """,
                """
                Our first contested meeting lasted until two in the morning. More than two
                hundred people signed up to speak about a curriculum item. A few things helped.
                First, we announced the rules at the start: two minutes each, no signs blocking
                views, and the reason for the rules, so people heard them as fair rather than
                as a way to silence anyone. Second, we did not respond to each speaker. Public
                comment is a time to listen. I kept a notepad and wrote down the concerns that
                came up again and again so I could address them when we deliberated. Third, we
                took short breaks. Tired officials make mistakes. On the council side, I would
                add: talk with your clerk and attorney beforehand about what the law allows if
                someone disrupts the meeting. You want to protect everyone's right to speak,
                including the people who disagree with you.
                """,
            ),
            check(
                "Check: transparency and ethics",
                8,
                "Three questions on open meetings and conflicts of interest.",
                [
                    single(
                        "Member A emails members B and C (a majority of a five-member council) "
                        "asking how they will vote on next week's zoning item. What is the "
                        "main risk?",
                        [
                            ("None, email is private", False),
                            ("It may be treated as an unnoticed meeting of a quorum", True),
                            ("It only matters if the vote is unanimous", False),
                        ],
                        "Discussions of pending business among a quorum, including by email, can "
                        "violate open meetings laws even when no one meets in person.",
                    ),
                    multiple(
                        "Which of these could be a public record? Select all that apply.",
                        [
                            ("A text about a pending contract sent from your personal phone", True),
                            ("An email on your official account about a constituent case", True),
                            ("Notes you took during a closed session briefing", True),
                            ("A birthday message to your sibling", False),
                        ],
                        "Records are defined by their content (public business), not by the "
                        "device or account. Closed-session notes may be exempt from release but "
                        "are still records.",
                    ),
                    single(
                        "Your spouse's employer is bidding on a city contract. What should you do?",
                        [
                            ("Vote, but mention it afterward", False),
                            ("Ask the attorney and expect to disclose and recuse", True),
                            ("Abstain silently", False),
                        ],
                        "Disclose the relationship on the record and seek the attorney's advice; "
                        "most codes require recusal in this situation.",
                    ),
                ],
                pass_mark=70,
            ),
            reflection(
                "When the pressure mounts",
                10,
                """
                Think about a contested issue likely to reach your body this year. Who will
                show up, what will they need to feel heard, and what will you do on the night
                to stay grounded in your values?
                """,
                required=False,
            ),
        ],
    ),
    ModuleSpec(
        "Budgets as Moral Documents",
        "How to read a budget, where the real decisions are made, and how to move money "
        "toward community priorities, including participatory budgeting.",
        120,
        [
            reading(
                "Reading a municipal budget in an afternoon",
                20,
                """
                A budget is the clearest statement of what a jurisdiction values. It is also
                long, dense and written for insiders. You do not need to read every page.

                ## Know the parts

                - **General fund** – the flexible money: property, sales and income taxes and
                  fees. Most policy fights happen here.
                - **Enterprise funds** – water, sewer, transit or utilities, paid for by rates
                  and usually restricted to that service.
                - **Special revenue funds** – money with strings, such as state gas tax or
                  federal grants.
                - **Capital budget** – long-term projects (buildings, roads, parks), often paid
                  for with bonds, plus the multi-year **capital improvement plan**.

                ## Five questions for your first read

                1. What share of the general fund goes to each department, and how has that
                   changed over five years?
                2. Which positions are funded but vacant?
                3. What one-time money (such as remaining federal recovery funds) is propping up
                   ongoing costs?
                4. What are the reserve levels and the council's reserve policy?
                5. Where does the budget say who benefits, by neighborhood, race or income?

                ## Where decisions are really made

                By the time the proposed budget is published, most choices are set. The
                leverage is earlier: in the **budget priorities** session, in one-on-one
                meetings with the budget director, and in written questions you submit before
                hearings. Late-stage **budget amendments** are possible, but each one must name
                a funding source, so plan them with staff rather than springing them on the
                floor.

                Ask your finance department for a two-hour walkthrough. It is one of the best
                investments of time you will make this year.
                """,
            ),
            reading(
                "Participatory budgeting: what it takes",
                15,
                """
                **Participatory budgeting** (PB) lets residents decide directly how to spend
                part of a public budget. It began in Porto Alegre, Brazil, and has since run in
                cities such as Chicago, New York, Vallejo and Durham, and in many school
                districts.

                ## How a cycle works

                1. **Design** – a steering committee of residents and staff writes the rules:
                   who can vote (often age 14 or older, regardless of immigration status),
                   which funds are eligible and how projects are vetted.
                2. **Idea collection** – neighborhood assemblies and online submissions.
                3. **Proposal development** – volunteer budget delegates work with staff to
                   turn ideas into costed, feasible projects.
                4. **Vote** – residents vote on a ballot of projects.
                5. **Implementation and evaluation** – the body funds the winners and reports
                   back publicly.

                ## Decisions you will have to make

                - **Capital or operating money?** Capital-only PB is simpler but limits projects
                  to physical things; operating funds allow programs like youth jobs.
                - **How much?** A meaningful pot signals seriousness. Too small and residents
                  feel it is symbolic.
                - **Who staffs it?** PB without dedicated staff and outreach money tends to
                  reproduce existing participation gaps.

                ## Equity by design

                Target outreach to renters, young people, immigrants and neighborhoods with low
                turnout. Offer ballots in every major language spoken locally, and hold voting
                where people already are: schools, transit stops and grocery stores.
                """,
            ),
            video(
                "Questions to ask at your first budget hearing",
                12,
                "https://www.youtube.com/watch?v=p8KdR4sYtE2",
                """
                A former city budget director explains which questions get useful answers from
                staff, and which ones just fill time.
                """,
                """
                The most useful question you can ask at a budget hearing is "compared to what?"
                If a department says its budget is growing four percent, ask what is driving
                the increase: salaries set by contract, new positions or rising costs for things
                like fuel and insurance. Second, ask about vacancies. Many departments carry
                funded positions they have not filled for a year or more. That money is often
                used elsewhere, and it is a legitimate source for a budget amendment. Third,
                ask about outcomes, not only outputs. Knowing that code enforcement conducted
                three thousand inspections is less useful than knowing how many unsafe units
                were repaired. Finally, submit your questions in writing before the hearing.
                Staff can give you a real answer, and the answers become part of the public
                record your community partners can use.
                """,
            ),
            resource(
                "Budget equity analysis toolkit",
                25,
                f"{RESOURCES}/budget-equity-analysis-toolkit/",
                """
                A spreadsheet template and guide for comparing spending across departments and
                neighborhoods over five years, with prompts for questions to submit to your
                finance director and a model budget amendment memo.
                """,
            ),
            check(
                "Check: budget basics",
                10,
                "Four questions on budget structure and timing.",
                [
                    single(
                        "Which fund holds most of the flexible money that council debates?",
                        [
                            ("The general fund", True),
                            ("The sewer enterprise fund", False),
                            ("The capital improvement plan", False),
                            ("The pension trust fund", False),
                        ],
                        "The general fund is funded by general taxes and fees and is the least "
                        "restricted part of the budget.",
                    ),
                    single(
                        "When do you have the most leverage over the annual budget?",
                        [
                            ("After adoption, through mid-year amendments", False),
                            ("Before the proposed budget is published", True),
                            ("Only at the final public hearing", False),
                        ],
                        "Most decisions are set by the time the proposed budget is released; "
                        "priorities sessions and early staff meetings matter most.",
                    ),
                    multiple(
                        "A budget amendment you bring to the floor should include which of "
                        "these? Select all that apply.",
                        [
                            ("A specific funding source or offset", True),
                            ("A clear description of what the money will buy", True),
                            ("Staff's analysis of feasibility, ideally in advance", True),
                            ("A promise that no one will testify against it", False),
                        ],
                        "Amendments need a funding source, a clear purpose and, ideally, staff "
                        "input before the meeting so colleagues can support them.",
                    ),
                    single(
                        "In participatory budgeting, who decides which projects are funded?",
                        [
                            ("Department heads", False),
                            ("Residents, by voting on a ballot of projects", True),
                            ("A consultant", False),
                        ],
                        "Residents propose and vote; the governing body then funds the winning "
                        "projects.",
                    ),
                ],
            ),
        ],
    ),
    ModuleSpec(
        "Home Rule and State Preemption",
        "What your jurisdiction can do on its own, how states are limiting local power, and "
        "strategies for responding.",
        60,
        [
            reading(
                "Home rule, Dillon's Rule and your local authority",
                15,
                """
                Before you can pass a policy, you need to know whether your jurisdiction has
                the power to do it. The answer depends on your state constitution, state
                statutes and, for many cities, a local charter.

                ## Two traditions

                - **Dillon's Rule** – local governments have only the powers the state
                  expressly grants, those necessarily implied, and those essential to their
                  purpose. When in doubt, courts rule against local authority.
                - **Home rule** – local governments may act on local matters unless state law
                  says otherwise. Home rule can be granted in the state constitution or by
                  statute, and may apply only to charter cities.

                Many states mix the two: home rule for cities, Dillon's Rule for counties, or
                broad home rule on structure but not on taxation.

                ## Questions to ask your attorney

                1. Is our jurisdiction a **charter** or **general law** entity?
                2. Which subjects has the state **expressly preempted** (for example rent
                   control, minimum wage, firearms, plastic bags or paid leave)?
                3. Where could a court find **implied preemption** because state law
                   "occupies the field"?
                4. What penalties does state law impose on officials or jurisdictions that
                   pass preempted ordinances?

                ## Why it matters for your agenda

                A policy that survives a legal challenge is worth more than one that is
                quickly struck down. Knowing your authority lets you choose the strongest legal
                vehicle, such as a licensing program, a condition on city contracts or city
                spending, rather than a direct mandate that the state has preempted.
                """,
            ),
            reading(
                "Responding to state preemption",
                15,
                """
                Over the past decade, states have used **preemption** far more aggressively to
                block local policies. More than thirty states preempt local rent control, and
                roughly half bar cities from raising the local minimum wage. Some newer laws
                go further, threatening fines, loss of state funding or removal from office.

                ## A response playbook

                - **Use the tools you still have.** If rent control is preempted, consider a
                  rental registry, just-cause protections, relocation assistance, code
                  enforcement or right to counsel, each of which may remain available.
                - **Lead by example.** A city can often set wage floors for its own employees
                  and contractors through procurement policy even where a citywide minimum
                  wage is preempted.
                - **Build a record.** Resolutions, testimony and data about local impacts make
                  the case to legislators and, sometimes, to courts.
                - **Join with other jurisdictions.** Municipal leagues and networks of local
                  officials can testify together and share model ordinances.
                - **Talk with your attorney before you act.** Some officials choose to pass a
                  policy to test preemption in court; that is a strategic decision with real
                  legal risk and should be deliberate.

                ## Framing

                Preemption is a question of who decides. Residents across the political
                spectrum tend to support local control of local matters. Lead with the
                specific harm the state law causes in your community, such as workers who
                cannot get a raise or tenants facing rent increases, rather than with process.
                """,
            ),
            check(
                "Check: local authority",
                8,
                "Three questions on home rule and preemption.",
                [
                    single(
                        "Under Dillon's Rule, when it is unclear whether a city has a power…",
                        [
                            ("Courts generally presume the city has it", False),
                            ("Courts generally presume the city does not have it", True),
                            ("The mayor decides", False),
                        ],
                        "Dillon's Rule construes local powers narrowly; doubts are resolved "
                        "against the local government.",
                    ),
                    multiple(
                        "Your state preempts local rent control. Which tools may still be "
                        "available? Select all that apply.",
                        [
                            ("A rental registry", True),
                            ("Right to counsel in eviction cases", True),
                            ("Relocation assistance requirements", True),
                            ("A cap on annual rent increases for all units", False),
                        ],
                        "A cap on rent increases is rent control. The other tools are usually "
                        "distinct, though you should confirm with your attorney.",
                    ),
                    single(
                        "Where a citywide minimum wage is preempted, a city can often still…",
                        [
                            ("Set wage standards for its own employees and contractors", True),
                            ("Ignore the state law", False),
                            ("Raise wages for all private employers by resolution", False),
                        ],
                        "Cities typically control their own payroll and procurement terms even "
                        "when they cannot regulate private wages generally.",
                    ),
                ],
            ),
            reflection(
                "Mapping your authority",
                15,
                """
                Pick one item on your agenda. Based on what you have learned about your
                state, is it likely to be preempted, and if so, which alternative tool could
                get you most of the way there?
                """,
                """
                You may want to check with your attorney or your state's municipal league
                before you answer.
                """,
            ),
        ],
    ),
    ModuleSpec(
        "Working with Staff and City Managers",
        "Understand your form of government, the line between policy and administration, and "
        "how to get good information and follow-through from staff.",
        45,
        [
            reading(
                "Council-manager, strong mayor and everything in between",
                12,
                """
                Your relationship with staff depends on your **form of government**. Learn it
                before you make your first request.

                ## The main forms

                | Form | Who runs day-to-day operations | What that means for you |
                | --- | --- | --- |
                | **Council-manager** | A professional manager hired by the council | Direction goes through the manager, by majority vote |
                | **Strong mayor** | The elected mayor | Council sets policy and budget; the mayor directs departments |
                | **Commission** | Each commissioner oversees departments | Less common; blurs legislative and executive roles |
                | **County executive or administrator** | Elected executive or appointed administrator | Similar to strong mayor or council-manager |

                School boards typically hire a **superintendent** and work much like a
                council-manager system.

                ## Policy versus administration

                In most systems, you set policy and the manager or executive carries it out.
                Many charters **prohibit individual members from directing staff**. You can ask
                questions and request information, but direction on what staff should do comes
                from the body, by vote.

                ## Habits that build a good working relationship

                - Ask the manager how they prefer to receive requests, and use that channel.
                - Share the same information with all colleagues; staff should not be caught
                  between members.
                - Say thank you in public and raise concerns in private first.
                - Put significant requests in writing, with a clear question and deadline.

                Staff are professionals with deep knowledge of how things work. Treat them as
                partners in delivering for residents, while remembering that you, not they,
                answer to the voters.
                """,
            ),
            video(
                "Making requests of staff the right way",
                8,
                "https://vimeo.com/790233118",
                """
                A city manager and a council member explain how to ask staff for information
                and action without crossing charter lines.
                """,
                """
                From the manager's side, the most helpful thing a new council member can do is
                tell me what problem they are trying to solve. If you ask for a report on every
                eviction filing in the last ten years, my staff will spend weeks on it. If you
                tell me you want to know whether a right to counsel program would reduce
                evictions, we can find the right data in a few days. From the council side, I
                learned to put requests in an email to the manager, copying the clerk, so
                there is a record and my colleagues can see it too. And when staff tell you
                something cannot be done, ask what would make it possible: more money, a change
                in the code or a vote of the council. That question usually opens the door.
                """,
            ),
            resource(
                "Staff request and follow-up tracker",
                10,
                f"{RESOURCES}/staff-request-tracker/",
                """
                A simple spreadsheet for logging information requests and council directions,
                who owns them, due dates and status, with a template request email.
                """,
                required=False,
            ),
            reflection(
                "Your working agreements with staff",
                10,
                """
                What is your form of government, and who is your main point of contact among
                staff? Write down two working agreements you would like to propose to them in
                your next one-on-one.
                """,
                required=False,
            ),
        ],
    ),
    ModuleSpec(
        "Building Power with Community",
        "Governing alongside organized communities: inside-outside strategy, co-governance "
        "and keeping relationships strong after the election.",
        60,
        [
            reading(
                "The inside-outside strategy",
                12,
                """
                You did not win alone, and you will not govern alone. Policies pass when an
                **inside** champion and an **outside** organized base work together.

                ## What each side brings

                - **Inside**: agenda access, votes, staff relationships, budget knowledge and
                  the ability to move a proposal through the formal process.
                - **Outside**: people who show up at public comment, stories that change minds,
                  pressure on undecided colleagues and accountability over time.

                ## Practices that work

                1. **Meet early, not just before votes.** Hold regular check-ins with key
                   partners such as tenant unions, labor councils and immigrant rights groups.
                2. **Share the calendar.** Tell partners when first reading, the hearing and
                   the final vote will happen so they can organize turnout.
                3. **Co-design policy.** Invite affected residents into drafting, for example
                   through a working group that reviews ordinance language.
                4. **Be honest about limits.** If you do not have the votes, say so, and
                   discuss together whether to compromise, delay or hold a losing vote that
                   builds the record.
                5. **Give credit.** Name the organizers and residents who made the win happen.

                ## Accountability runs both ways

                Partners may criticize you publicly, and that is healthy. A clear agreement
                about how you will communicate, including when you disagree, keeps the
                relationship strong through hard votes.
                """,
                required=False,
            ),
            video(
                "Co-governance in practice",
                10,
                "https://www.youtube.com/watch?v=Lm2fZ9cVq4U",
                """
                Organizers and elected officials describe a workers' rights ordinance they
                drafted together, from listening sessions to passage.
                """,
                """
                We started with listening sessions in three languages, at churches and union
                halls, asking workers what was happening on the job. Wage theft came up over and
                over. Instead of writing an ordinance in the office and asking for support, the
                council member convened a working group of workers, a small business owner,
                the city attorney's office and us. We met every two weeks for four months. The
                final ordinance created a local office of labor standards with the power to
                investigate complaints. On the night of the vote, workers testified about
                their own experiences, and two council members who had been undecided voted
                yes. What made it co-governance was what happened next: the same working group
                now advises the office on its enforcement priorities.
                """,
                required=False,
            ),
            resource(
                "Community partner mapping template",
                15,
                f"{RESOURCES}/community-partner-mapping/",
                """
                A one-page map for listing organizations by issue, base and capacity, with
                space to note your last contact and next ask. Pair it with your policy agenda
                worksheet from Module 1.
                """,
                required=False,
            ),
            reflection(
                "Your outside partners",
                10,
                """
                Which two or three organized groups in your community are most important to
                your first-year priorities? What is one concrete step you will take this month
                to strengthen each relationship?
                """,
                required=False,
            ),
        ],
        required=False,
    ),
]


# --- Housing Leadership Lab --------------------------------------------------------------

HOUSING_MODULES = [
    ModuleSpec(
        "Tenant Protections",
        "Just-cause eviction, right to counsel and the everyday protections that keep renters "
        "housed.",
        60,
        [
            reading(
                "Just-cause eviction ordinances",
                15,
                """
                In most of the country, a landlord can end a month-to-month tenancy, or decline
                to renew a lease, for no reason at all. **Just-cause eviction** (also called
                "good cause") ordinances change that: a landlord may end a tenancy only for a
                reason listed in the law.

                ## Typical elements

                - **At-fault causes** – nonpayment of rent, serious lease violations, nuisance
                  or illegal activity, refusing lawful access.
                - **No-fault causes** – the owner or a close relative moving in, substantial
                  rehabilitation, or withdrawing the unit from the rental market.
                - **Relocation assistance** for no-fault evictions, often a set number of
                  months' rent, higher for seniors, people with disabilities or families with
                  children.
                - **Notice requirements** stating the cause in writing, with a chance to cure
                  lease violations.
                - **Coverage** – which units are covered, and exemptions such as owner-occupied
                  duplexes.

                ## Drafting questions for your attorney

                1. Does state law preempt any part of this, or already provide a state
                   just-cause standard you can build on?
                2. How will the ordinance be enforced: as a defense in eviction court, through a
                   city office, or by a private right of action?
                3. How will tenants and landlords learn about it? Budget for outreach in
                   several languages.

                ## Why it matters

                Just-cause protections do not cap rents, so they are often available where
                rent control is preempted. They stop **retaliatory** and arbitrary
                non-renewals, give tenants the security to request repairs, and make other
                protections, such as habitability standards, enforceable in practice.
                """,
            ),
            reading(
                "Right to counsel in eviction cases",
                12,
                """
                In eviction court, most landlords have a lawyer and most tenants do not.
                **Right to counsel** (RTC) programs guarantee tenants free legal representation.
                New York City adopted the first citywide program in 2017; San Francisco,
                Newark, Cleveland, Philadelphia and several states have followed.

                ## Design choices

                | Question | Common answers |
                | --- | --- |
                | Who qualifies? | Income limit (for example 200% of the federal poverty line), or universal |
                | Which cases? | Evictions only, or also administrative hearings and subsidy terminations |
                | Who provides counsel? | Contracts with legal aid organizations |
                | How is it phased in? | By zip code with highest filing rates, then citywide |

                ## What it costs and saves

                Costs depend on filing volumes and attorney salaries. Evaluations of existing
                programs report that most represented tenants remain in their homes, and that
                shelter, health care and school disruption costs avoided can offset a large
                share of the program's cost.

                ## Making it work

                - Fund **tenant outreach** so people know about the right before their court
                  date; many tenants never appear.
                - Pay legal aid attorneys enough to recruit and retain them.
                - Require the court or landlord to include RTC information in eviction
                  notices, where state law allows.
                - Collect data on filings, representation and outcomes from day one.
                """,
            ),
            video(
                "Tenants and organizers on what protections mean at home",
                10,
                "https://www.youtube.com/watch?v=tR6yN1bKw8E",
                """
                Renters and a tenant union organizer describe life before and after their
                city's just-cause and right to counsel ordinances.
                """,
                """
                Before the ordinance, if you asked the landlord to fix the heat, you might get
                a notice that your lease would not be renewed. People stopped asking. After
                just cause passed, our building organized and asked for repairs together,
                because we knew they could not just push us out. When the new owner tried to
                evict three families anyway, the right to counsel program gave each of them a
                lawyer. Two cases were dismissed and the third family got time and relocation
                money to move on their own terms. As an organizer, my advice to officials is
                this: the law is step one. Tenants need to know their rights, so fund outreach
                through groups people already trust, and keep checking the data to see whether
                the protections are being used.
                """,
            ),
            check(
                "Check: tenant protections",
                10,
                "Three questions on just-cause eviction and right to counsel.",
                [
                    single(
                        "What does a just-cause eviction ordinance primarily do?",
                        [
                            ("Caps annual rent increases", False),
                            ("Limits the reasons a landlord may end a tenancy", True),
                            ("Requires landlords to register units", False),
                            ("Provides emergency rental assistance", False),
                        ],
                        "Just cause restricts terminations to listed reasons; it does not set "
                        "rent levels, which is why it is often available under rent control "
                        "preemption.",
                    ),
                    multiple(
                        "Which are common no-fault causes in just-cause ordinances? Select all "
                        "that apply.",
                        [
                            ("Owner move-in", True),
                            ("Substantial rehabilitation of the unit", True),
                            ("Nonpayment of rent", False),
                            ("Withdrawing the unit from the rental market", True),
                        ],
                        "Nonpayment is an at-fault cause. No-fault causes usually trigger "
                        "relocation assistance.",
                    ),
                    single(
                        "Which investment most improves the reach of a right to counsel program?",
                        [
                            ("Outreach so tenants know about the right before court", True),
                            ("A larger courtroom", False),
                            ("Shorter notice periods", False),
                        ],
                        "Many tenants never appear in court. Outreach through trusted groups is "
                        "what connects them to counsel.",
                    ),
                ],
                pass_mark=70,
            ),
            reflection(
                "Tenant protections where you serve",
                10,
                """
                Which protections do renters in your jurisdiction already have, and which one
                gap causes the most harm? Who in your community is best placed to help you
                design a fix?
                """,
            ),
        ],
    ),
    ModuleSpec(
        "Land Use and Zoning Reform",
        "Zoning basics, legalizing more homes, and designing inclusionary zoning that produces "
        "affordable units.",
        60,
        [
            reading(
                "Zoning 101 for housing champions",
                15,
                """
                Zoning decides what can be built where. For most of the last century, it has
                also decided **who** can live where. Exclusionary zoning, such as large minimum
                lot sizes and bans on apartments across most residential land, grew in part
                from explicitly segregationist practices.

                ## Key terms

                - **Zoning code** – the text of rules: uses, heights, setbacks, density,
                  parking.
                - **Zoning map** – which rules apply to each parcel.
                - **Comprehensive or general plan** – the long-term vision; zoning should be
                  consistent with it.
                - **By-right approval** – a project that meets the code is approved by staff
                  without a discretionary hearing.
                - **Variance and conditional use** – discretionary exceptions, often decided
                  at contentious public hearings.

                ## Common reforms

                1. **Legalize missing middle housing** – duplexes, triplexes, fourplexes and
                   cottage courts in residential zones.
                2. **Accessory dwelling units** (ADUs) with reasonable size, setback and
                   owner-occupancy rules.
                3. **Reduce or remove parking minimums**, especially near transit.
                4. **Upzone corridors and transit areas** for apartments.
                5. **Make affordable housing by-right**, so income-restricted projects skip
                   discretionary review.

                ## Equity guardrails

                Upzoning can add pressure in neighborhoods already facing displacement. Pair
                land use changes with tenant protections, community benefits and
                anti-displacement strategies, and look at where new capacity is added. Wealthier,
                high-opportunity neighborhoods should take their share.
                """,
            ),
            reading(
                "Inclusionary zoning that pencils",
                15,
                """
                **Inclusionary zoning** (IZ) requires or encourages market-rate developments to
                include homes affordable to lower-income households. Done well, it produces
                affordable units without direct public subsidy. Done poorly, it produces few
                units or stalls construction.

                ## The main levers

                | Lever | Typical range | Trade-off |
                | --- | --- | --- |
                | Set-aside share | 10–25% of units | Higher share means more units per project, but fewer projects may be feasible |
                | Affordability level | 30–80% of area median income | Deeper affordability costs more per unit |
                | Term | 30 years to permanent | Permanent affordability preserves the public benefit |
                | Alternatives | In-lieu fee, off-site units, land dedication | Fees fund other projects but may delay units |

                ## Make it feasible

                - Commission a **financial feasibility study** so requirements match the local
                  market; revisit it every few years.
                - Offer **offsets**: density bonuses, reduced parking or faster permitting.
                - Set **in-lieu fees** high enough that building units on site is the better
                  choice when that is the goal.

                ## Check your state law

                Some states restrict mandatory IZ on rental housing or require incentives. Ask
                your attorney whether a mandatory policy is allowed, or whether a voluntary
                program tied to a density bonus is the safer path.

                Monitor the program: track units produced, rents and incomes served, and
                compliance over time.
                """,
            ),
            video(
                "Ending exclusionary zoning: a council's story",
                12,
                "https://vimeo.com/745120388",
                """
                Planners and a council member walk through a citywide reform that legalized
                up to four homes on every residential lot.
                """,
                """
                Our city had zoned about three quarters of residential land for detached
                single-family homes only. We started with a year of public engagement and
                maps showing how that zoning lined up with historic redlining. That history
                changed the conversation. The reform allowed up to four homes on any
                residential lot, removed parking minimums citywide and gave a density bonus to
                projects with income-restricted units. Opponents warned about neighborhood
                character, so we adopted simple design standards for height and setbacks. Two
                years in, we are seeing small builders add duplexes and fourplexes across the
                city, not only in lower-income neighborhoods. The lesson for other councils:
                lead with the values and the history, make the rules simple, and pair the
                reform with tenant protections so residents trust it.
                """,
            ),
            check(
                "Check: land use tools",
                8,
                "Three questions on zoning and inclusionary housing.",
                [
                    single(
                        "A project that meets the code and is approved by staff without a "
                        "discretionary hearing is approved…",
                        [
                            ("By variance", False),
                            ("By right", True),
                            ("By conditional use", False),
                        ],
                        "By-right approval reduces time, cost and uncertainty, which matters "
                        "especially for affordable projects.",
                    ),
                    multiple(
                        "Which of these can make an inclusionary requirement more feasible for "
                        "developers? Select all that apply.",
                        [
                            ("A density bonus", True),
                            ("Reduced parking requirements", True),
                            ("Expedited permitting", True),
                            ("A longer discretionary review process", False),
                        ],
                        "Offsets reduce the cost of providing affordable units; longer review "
                        "adds cost.",
                    ),
                    single(
                        "Why pair upzoning with tenant protections?",
                        [
                            ("State law always requires it", False),
                            ("To reduce displacement pressure on existing residents", True),
                            ("To lower construction costs", False),
                        ],
                        "New development capacity can raise land values; protections help "
                        "current renters stay.",
                    ),
                ],
            ),
        ],
    ),
    ModuleSpec(
        "Social Housing and Community Land Trusts",
        "Permanently affordable, community-controlled housing: community land trusts, "
        "public development and mixed-income social housing.",
        60,
        [
            reading(
                "Community land trusts",
                15,
                """
                A **community land trust** (CLT) is a nonprofit that owns land on behalf of a
                community and keeps the homes on it permanently affordable. Homeowners or
                co-ops own the buildings and lease the land, usually for 99 years.

                ## How it works

                - The CLT buys land, often with public funds or donated property.
                - A household buys the home at an affordable price, because it is not paying
                  for the land.
                - A **resale formula** in the ground lease limits the price when the home is
                  sold, so it stays affordable to the next buyer, while the seller still builds
                  some equity.
                - A **tripartite board** (residents, community members and public or technical
                  representatives) governs the trust.

                CLTs also hold rental buildings, commercial spaces and community gardens.

                ## What local government can do

                1. **Transfer public land** such as surplus parcels or tax-foreclosed
                   properties to CLTs.
                2. **Fund acquisition** through housing trust funds, bonds or federal HOME and
                   CDBG dollars.
                3. **Adopt fair tax assessment** policies so CLT homeowners are taxed on the
                   restricted resale value, not market value.
                4. **Give CLTs a right of first offer** on properties the jurisdiction sells.
                5. **Support capacity** with operating grants, since young CLTs need staff.

                ## Why it matters

                Subsidies given directly to buyers often leave with the first sale. A CLT keeps
                the public investment in the community, one home after another, for decades.
                """,
            ),
            reading(
                "Social housing models",
                15,
                """
                **Social housing** means homes that are publicly or nonprofit owned,
                permanently affordable and insulated from the speculative market. Vienna and
                Singapore are famous examples; in the United States, local governments are
                testing new models.

                ## Approaches in use

                - **Public developer** – a county or city housing agency builds and owns
                  mixed-income housing, using rents from higher-income units and low-cost
                  public financing to support lower-income ones. Montgomery County, Maryland,
                  has a revolving fund that does this.
                - **Limited-equity cooperatives** – residents own shares in the building, with
                  resale limits that keep it affordable.
                - **Acquisition of existing buildings** – public or nonprofit purchase of
                  occupied apartment buildings to prevent displacement.
                - **Dedicated revenue** – voter-approved taxes, such as a tax on high-value
                  property sales, fund a social housing developer.

                ## Questions for your jurisdiction

                1. Does your housing authority or a public agency have the legal power to
                   develop mixed-income housing?
                2. Is there public land available?
                3. What financing tools, such as a revolving loan fund or bonds, could provide
                   low-cost capital?
                4. How will residents have a real voice in governance?

                Social housing is a long-term project. A useful first step is a **feasibility
                study** commissioned by your body, with tenant organizations at the table from
                the start.
                """,
                required=False,
            ),
            video(
                "Inside a community land trust",
                10,
                "https://www.youtube.com/watch?v=c4Wq0JnHs7M",
                """
                CLT staff and homeowners describe how their trust grew from a single donated
                lot to more than two hundred permanently affordable homes.
                """,
                """
                We started with one vacant lot the city transferred to us for a dollar. Today
                the land trust stewards more than two hundred homes, a cooperative apartment
                building and a corner store. The city's role has been crucial at every stage:
                transferring tax-foreclosed properties, putting HOME funds into acquisition and
                changing the assessment policy so our homeowners are taxed fairly. As a
                homeowner, I pay a mortgage that is less than my old rent. When I sell, the
                resale formula means I will take some equity with me, and the next family will
                buy at an affordable price. Residents make up a third of our board, so we have
                a say in what the trust does next, including which buildings to buy before
                speculators do.
                """,
            ),
            resource(
                "CLT partnership term sheet",
                15,
                f"{RESOURCES}/community-land-trust-partnership-term-sheet/",
                """
                A model term sheet for agreements between a city or county and a community land
                trust, covering land transfers, affordability terms, resale formulas,
                assessment and reporting. Includes notes on adapting it to your state's law.
                """,
            ),
        ],
    ),
    ModuleSpec(
        "Using Federal and State Housing Funds",
        "Where housing money comes from, what strings are attached and how local officials "
        "can shape its use.",
        45,
        [
            reading(
                "A map of federal housing money",
                15,
                """
                Federal funds reach local housing through a handful of programs, each with its
                own rules. You do not need to be an expert, but you should know what your
                jurisdiction receives and when decisions are made.

                ## The main sources

                | Program | What it funds | Who decides locally |
                | --- | --- | --- |
                | **CDBG** (Community Development Block Grant) | Housing repair, public facilities, services for low- and moderate-income residents | Your jurisdiction, through the Consolidated Plan and Annual Action Plan |
                | **HOME** Investment Partnerships | Affordable rental and ownership housing, tenant-based rental assistance | Your jurisdiction or a consortium |
                | **LIHTC** (Low-Income Housing Tax Credit) | Equity for affordable rental development | The state housing finance agency, through its allocation plan |
                | **Housing Choice Vouchers** | Rental assistance | The public housing authority |
                | **ARPA** recovery funds | Flexible pandemic recovery spending, including housing | Your body, by appropriation (obligation deadline has passed; spending continues through 2026) |

                ## Where your leverage is

                - The **Consolidated Plan** (every five years) and **Annual Action Plan** set
                  priorities for CDBG and HOME. Both require public hearings and a comment
                  period, so engage early.
                - The state's **Qualified Allocation Plan** for LIHTC decides which projects
                  score well. Local support letters and local matching funds matter.
                - You can use local dollars, such as a **housing trust fund**, to fill gaps
                  and leverage federal money.

                ## Watch the strings

                Federal money comes with income limits, environmental review, labor standards
                (Davis-Bacon on many projects) and reporting. Ask staff which requirements
                apply before you promise a project to the community.
                """,
            ),
            resource(
                "Consolidated Plan engagement guide",
                15,
                f"{RESOURCES}/consolidated-plan-engagement-guide/",
                """
                A step-by-step guide to your jurisdiction's HUD Consolidated Plan and Annual
                Action Plan calendar, with sample questions for staff, a template public
                comment and a checklist for bringing community partners into the process.
                """,
            ),
            check(
                "Check: following the money",
                8,
                "Three questions on federal housing funds.",
                [
                    single(
                        "Which document sets local priorities for CDBG and HOME funds?",
                        [
                            ("The Qualified Allocation Plan", False),
                            ("The Consolidated Plan and Annual Action Plan", True),
                            ("The zoning code", False),
                        ],
                        "The Consolidated Plan sets five-year priorities and the Annual Action "
                        "Plan allocates each year's funds, both with public comment.",
                    ),
                    single(
                        "Who allocates Low-Income Housing Tax Credits?",
                        [
                            ("The city council", False),
                            ("The state housing finance agency", True),
                            ("The public housing authority", False),
                            ("The county assessor", False),
                        ],
                        "States allocate LIHTC under their Qualified Allocation Plan; local "
                        "support and matching funds can improve a project's chances.",
                    ),
                    multiple(
                        "Which requirements commonly come with federal housing funds? Select all "
                        "that apply.",
                        [
                            ("Income limits for residents", True),
                            ("Environmental review", True),
                            ("Prevailing wage on many construction projects", True),
                            ("A ban on nonprofit developers", False),
                        ],
                        "Income targeting, environmental review and Davis-Bacon wages are "
                        "standard; nonprofits are frequent and welcome partners.",
                    ),
                ],
                pass_mark=70,
            ),
            reflection(
                "Your housing dollars",
                10,
                """
                Find out how much CDBG and HOME funding your jurisdiction received last year
                and what it was spent on. Where would you want the next Annual Action Plan to
                shift, and who needs to be in the room to make that case?
                """,
            ),
        ],
    ),
    ModuleSpec(
        "Preventing Displacement",
        "Spot displacement risk early and use the full toolkit, from tenant opportunity to "
        "purchase to preserving naturally affordable housing.",
        60,
        [
            reading(
                "An anti-displacement toolkit",
                15,
                """
                Displacement happens when residents are forced out by rising rents,
                evictions, conversions or neglect. It is far cheaper to keep people housed than
                to rehouse them after they are pushed out.

                ## The three Ps

                Housing advocates often organize strategies as **protection**, **preservation**
                and **production**.

                - **Protection** – just-cause eviction, right to counsel, rent stabilization
                  where state law allows, anti-harassment ordinances and relocation assistance.
                - **Preservation** – keeping existing affordable homes affordable: tracking
                  expiring subsidized units, funding acquisition of naturally occurring
                  affordable housing, and repair programs for low-income homeowners.
                - **Production** – building new affordable homes, especially in neighborhoods
                  under pressure, so long-time residents can stay.

                ## Tools worth knowing

                - **Tenant or community opportunity to purchase** (TOPA/COPA) – tenants or
                  qualified nonprofits get the first chance to buy a building when it is sold.
                  Washington, D.C., has had TOPA since 1980.
                - **Early warning systems** – data on code violations, tax delinquency, eviction
                  filings and sales to spot buildings at risk.
                - **Expiring-use tracking** – a list of subsidized properties whose
                  affordability restrictions end in the next ten years.
                - **Community benefits agreements** on large developments.

                ## Start with data

                Ask staff or a university partner for a **displacement risk map** and review it
                with residents. Data helps target resources, and residents' knowledge fills in
                what the data misses.
                """,
            ),
            video(
                "Keeping a neighborhood home",
                10,
                "https://vimeo.com/768301942",
                """
                Residents, a nonprofit developer and a county commissioner describe how a
                tenant association bought its building.
                """,
                """
                When our building went up for sale, we heard an investor planned to renovate
                and double the rents. Under the county's new opportunity to purchase ordinance,
                the owner had to notify us and give us time to make an offer. We partnered with
                a nonprofit developer, and the county put in acquisition funds from its housing
                trust fund. It took four months of meetings and a lot of paperwork. Today the
                building is a limited-equity cooperative, and rents are set by the residents'
                board. From the county side, what made this possible was deciding in advance:
                the ordinance, the funding and the relationships were in place before the sale
                happened. You cannot build those in the two weeks after a notice goes out.
                """,
            ),
            resource(
                "Displacement risk mapping guide",
                20,
                f"{RESOURCES}/displacement-risk-mapping-guide/",
                """
                A practical guide to building a displacement early warning system with public
                data (eviction filings, code violations, property sales and expiring
                subsidies), plus a facilitation plan for reviewing the map with residents.
                """,
                required=False,
            ),
            reflection(
                "Where pressure is building",
                10,
                """
                Which neighborhood or building type in your jurisdiction faces the greatest
                displacement pressure right now? Which protection, preservation or production
                tool could your body adopt in the next year to respond?
                """,
            ),
        ],
    ),
    ModuleSpec(
        "Passing a Housing Package",
        "Sequence, count votes and build a coalition for a comprehensive housing package, "
        "then make sure it is implemented.",
        90,
        [
            reading(
                "Sequencing a housing package",
                15,
                """
                A **housing package** bundles several measures, for example tenant protections,
                zoning reform and new funding, into a coordinated agenda. Packages can build
                broad coalitions, because each part brings its own supporters.

                ## Why a package

                - Tenant advocates, builders, faith communities and labor can all find
                  something to champion.
                - Pairing production with protection answers the most common objections on
                  both sides.
                - A single campaign is easier for the public to follow than six separate
                  fights.

                ## Sequencing options

                | Approach | When it works |
                | --- | --- |
                | All at once | Strong majority, mobilized coalition, a crisis moment |
                | Protections first | Tenants face urgent harm; builds trust for later zoning changes |
                | Funding first | Budget cycle timing; shows seriousness before regulatory fights |
                | Pilot, then expand | Uncertain votes; evidence from a pilot wins over skeptics |

                ## Practical steps

                1. Start with a **housing needs assessment** or update, so the package answers
                   documented needs.
                2. Hold a **study session** where tenants, builders and staff present.
                3. Refer the package to committee with a clear timeline for each piece.
                4. Budget for **implementation staff**; ordinances without enforcement staff
                   disappoint everyone.
                5. Build in **reporting**: an annual housing report to the body keeps the work
                   visible.

                Whatever the order, publish the whole plan at the start, so residents and
                partners understand how the pieces fit together.
                """,
            ),
            reading(
                "Counting votes and building a coalition",
                12,
                """
                Good policy does not pass itself. Before you introduce anything, know where
                your votes are.

                ## Whip count

                For each colleague, write down:

                - Their public statements on housing, and what they said during the campaign.
                - Who they listen to: neighborhood associations, labor, business, faith leaders.
                - Their district's housing situation: renters, homeowners, recent development.
                - What they would need to say yes: an amendment, a pilot in their district,
                  credit, a sunset review.

                Mark each as **yes**, **lean yes**, **undecided**, **lean no** or **no**, and
                update the count after each conversation.

                ## Broaden the coalition

                The strongest housing coalitions combine **tenant organizations**, **labor**
                (especially building trades, if the package includes labor standards),
                **affordable housing developers**, **faith communities**, **employers**
                struggling to recruit workers and **older homeowners** who want to age in
                place with an ADU.

                ## On the floor

                - Line up speakers who reflect the whole coalition, not only advocates.
                - Prepare amendments in advance so you are not negotiating language live.
                - Remember open meetings rules: count votes through one-on-one conversations,
                  and never build a quorum outside a meeting.
                """,
            ),
            resource(
                "Housing package campaign plan template",
                20,
                f"{RESOURCES}/housing-package-campaign-plan/",
                """
                A campaign plan template with a whip count sheet, coalition map, communications
                calendar and timeline for moving a multi-part housing package through committee,
                public hearing and final votes.
                """,
            ),
            check(
                "Check: moving the package",
                8,
                "Three questions on sequencing and vote counting.",
                [
                    single(
                        "Your tenants face an urgent wave of no-fault evictions and your votes "
                        "on zoning reform are uncertain. Which sequencing fits best?",
                        [
                            ("Zoning reform first", False),
                            ("Protections first", True),
                            ("Wait until the next election", False),
                        ],
                        "Moving protections first answers urgent harm and builds trust for later "
                        "pieces of the package.",
                    ),
                    single(
                        "How should you count votes for a package without breaking open meetings "
                        "law?",
                        [
                            ("A group text with a majority of colleagues", False),
                            ("One-on-one conversations that do not pass positions along", True),
                            ("A private dinner with a quorum", False),
                        ],
                        "Individual conversations are fine; relaying positions or meeting as a "
                        "quorum outside a noticed meeting is not.",
                    ),
                    multiple(
                        "Which should be in a housing package from the start to make it last? "
                        "Select all that apply.",
                        [
                            ("Budget for implementation and enforcement staff", True),
                            ("Regular public reporting to the body", True),
                            ("A clear plan showing how the pieces fit together", True),
                            ("A rule that no amendments may be offered", False),
                        ],
                        "Staff, reporting and a transparent plan make implementation real; "
                        "amendments are part of a healthy legislative process.",
                    ),
                ],
                required=False,
            ),
            reflection(
                "Your housing package",
                15,
                """
                Sketch the three or four measures you would include in a housing package for
                your jurisdiction. In what order would you move them, and which colleague or
                partner would you approach first?
                """,
            ),
        ],
    ),
]


# --- Safety Beyond Policing Lab (draft) --------------------------------------------------

SAFETY_MODULES = [
    ModuleSpec(
        "Understanding the Landscape",
        "What residents mean by safety, and the range of non-police responses local "
        "governments are funding.",
        45,
        [
            reading(
                "What safety beyond policing means",
                12,
                """
                Many calls for service involve mental health crises, homelessness, substance
                use or neighbor disputes, situations where an armed officer is not the best
                first responder. **Safety beyond policing** means investing in the people and
                programs best suited to each need.

                ## The main approaches

                - **Civilian crisis response** – teams of medics and mental health workers
                  dispatched through 911 or 988 to behavioral health calls.
                - **Community violence intervention** – trusted messengers and violence
                  interrupters who work with people at the highest risk of gun violence.
                - **Environmental changes** – lighting, vacant lot greening and repairs, which
                  studies link to reductions in violence.
                - **Upstream investments** – youth employment, housing and treatment.

                ## Questions to start with

                1. What share of calls to 911 in your jurisdiction are for non-criminal
                   matters?
                2. Who answers those calls today, and with what outcomes?
                3. Which community organizations are already doing this work without stable
                   funding?
                """,
            ),
            video(
                "Non-police crisis response in practice",
                10,
                "https://vimeo.com/801577263",
                """
                A crisis team supervisor describes a typical shift answering behavioral health
                calls without police.
                """,
                """
                Our teams are a medic and a crisis worker in a van. Dispatch sends us to calls
                like a person talking to themselves at a bus stop, someone who has not eaten
                in days, or a family worried about a relative in crisis. We bring water, food
                and time. Most calls end with the person connected to services or simply safe
                for the night. When a situation involves a weapon or an immediate threat,
                police respond, and we sometimes go together. What makes it work is dispatch:
                the call takers need clear protocols for which calls come to us, and those
                protocols should be reviewed with data every few months.
                """,
            ),
        ],
    ),
    ModuleSpec(
        "Funding Alternative Response",
        "Budget strategies for standing up and sustaining non-police public safety programs.",
        45,
        [
            reading(
                "Budgeting for a civilian crisis response team",
                12,
                """
                A crisis response pilot needs more than a line item. Plan for the whole system.

                ## Cost drivers

                - **Staff** – responders, supervisors and clinical oversight, with pay high
                  enough to retain people in demanding roles.
                - **Dispatch integration** – call-taker training, protocols and software
                  changes.
                - **Vehicles and equipment.**
                - **Evaluation** – data collection from the first day.

                ## Funding sources

                Options include the general fund, opioid settlement funds, Medicaid
                reimbursement for eligible crisis services and state behavioral health grants.
                Be wary of relying only on one-time money for an ongoing service.

                ## Getting it through the budget

                1. Ask for a **staff report** on call data and program options well before
                   the budget priorities session.
                2. Propose the pilot as a **budget amendment** with a named funding source,
                   such as vacant positions or settlement funds.
                3. Write **evaluation and reporting** into the budget note, so the body sees
                   results before deciding whether to expand.

                Invite responders from a neighboring program to brief your colleagues at a
                study session; hearing from people who do the work is often persuasive.
                """,
            ),
            resource(
                "Alternative response budget worksheet",
                15,
                f"{RESOURCES}/alternative-response-budget-worksheet/",
                """
                A worksheet for estimating the cost of a pilot crisis response team and
                identifying recurring funding sources.
                """,
            ),
            reflection(
                "Safety needs in your community",
                10,
                """
                Which kinds of calls in your jurisdiction would be better served by a
                non-police response, and what would it take to fund a pilot in next year's
                budget?
                """,
            ),
        ],
    ),
]


# --- Programs ----------------------------------------------------------------------------

PROGRAMS = [
    ProgramSpec(
        title="Progressive Governance Academy: Newly Elected Officials",
        slug="governance-academy-newly-elected",
        summary=(
            "The core program for newly elected progressive local officials: set an agenda, "
            "use the tools of office, pass budgets that reflect your values and govern "
            "alongside your community."
        ),
        description=_text(
            """
            Congratulations on your election. This program is the foundation of the
            Progressive Governance Academy, built by Local Progress with experienced city
            council members, county commissioners and school board members who have been
            where you are now.

            ## What you will learn

            - How to turn campaign commitments into a focused, sequenced **policy agenda**
            - The formal tools of office: ordinances, resolutions, budget amendments and the
              agenda itself
            - Open meetings, public records and ethics rules, and how to handle hard nights
            - How to read a budget and move money toward community priorities
            - What **home rule** and **state preemption** mean for your agenda
            - How to work effectively with managers, superintendents and staff
            - How to build power with organized communities

            ## How it works

            Each module combines short readings, videos, practical tools, knowledge checks
            and a reflection. Your cohort meets live once per module to work through real
            cases together. Expect about two hours a week over three months.
            """
        ),
        estimated_hours=24,
        issue_areas=["budget", "home-rule", "democracy", "housing", "workers-rights"],
        modules=ACADEMY_MODULES,
    ),
    ProgramSpec(
        title="Housing Leadership Lab",
        slug="housing-leadership-lab",
        summary=(
            "A deep dive for local officials ready to lead on housing: tenant protections, "
            "zoning reform, social housing, federal funds and anti-displacement strategy."
        ),
        description=_text(
            """
            Housing costs are the top concern for residents in many communities, and local
            officials have more tools than most people realize. The Housing Leadership Lab
            helps you use them.

            ## Who it is for

            Council members, county commissioners and mayors who want to pass a meaningful
            housing agenda. Completing the core Academy program first is recommended but not
            required.

            ## What you will leave with

            - A clear picture of the tenant protections, land use reforms and funding tools
              available in your state
            - Model ordinances and term sheets you can adapt
            - A draft **housing package** and campaign plan for your jurisdiction

            Live sessions feature officials and tenant organizers who have passed just-cause
            eviction, right to counsel, inclusionary zoning and community land trust
            partnerships.
            """
        ),
        estimated_hours=12,
        issue_areas=["housing", "federal-funding", "home-rule"],
        modules=HOUSING_MODULES,
    ),
    ProgramSpec(
        title="Safety Beyond Policing Lab",
        slug="safety-beyond-policing-lab",
        summary=(
            "How local officials are building public safety systems that send the right "
            "responder to every call. In development."
        ),
        description=_text(
            """
            A new lab on civilian crisis response, community violence intervention and
            budgeting for safety. **Draft**: content is still being written and reviewed.
            """
        ),
        estimated_hours=6,
        issue_areas=["public-safety"],
        modules=SAFETY_MODULES,
        publish=False,
    ),
]


# --- Seeding -----------------------------------------------------------------------------


def _create_lesson(module: Module, spec: LessonSpec) -> Lesson:
    fields: dict = {"required": spec.required, "estimated_minutes": spec.estimated_minutes}
    for name in ("body", "video_url", "transcript", "resource_url", "reflection_prompt"):
        if value := getattr(spec, name):
            fields[name] = value
    if spec.pass_mark is not None:
        fields["pass_mark"] = spec.pass_mark
    lesson = lesson_create(module=module, title=spec.title, kind=spec.kind, **fields)
    for question in spec.questions:
        question_create(
            lesson=lesson,
            prompt=question.prompt,
            choices=list(question.choices),
            kind=question.kind,
            explanation=question.explanation,
        )
    return lesson


def _create_program(spec: ProgramSpec) -> Program:
    program = program_create(
        title=spec.title,
        slug=spec.slug,
        summary=spec.summary,
        description=spec.description,
        estimated_hours=spec.estimated_hours,
        issue_areas=IssueArea.objects.filter(slug__in=spec.issue_areas),
    )
    for module_spec in spec.modules:
        module = module_create(
            program=program,
            title=module_spec.title,
            summary=module_spec.summary,
            required=module_spec.required,
            estimated_minutes=module_spec.estimated_minutes,
        )
        for lesson_spec in module_spec.lessons:
            _create_lesson(module, lesson_spec)
    if spec.publish:
        program = program_publish(program=program)
    return program


def seed(stdout) -> None:
    for spec in PROGRAMS:
        if Program.objects.filter(slug=spec.slug).exists():
            continue
        with transaction.atomic():
            _create_program(spec)
    stdout.write(
        f"  curriculum: {Program.objects.count()} programs, {Module.objects.count()} modules, "
        f"{Lesson.objects.count()} lessons"
    )
